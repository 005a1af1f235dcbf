import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { pollDueMailboxes, pollMailbox, startMailPolling } from './mail-polling.ts';
import { startDeskHub, waitFor } from './testing/desk-test-hub.ts';
import { startImapServer, type ImapTestServer } from './testing/imap-test-server.ts';

type Json = Record<string, unknown>;
type Message = { id: string; body: string; html: string | null; attachments: Json[]; direction: string };

const PDF = Buffer.from('%PDF-1.4\n% a small invoice\n%%EOF\n');
const MAILBOX = { user: 'support@shop.example', pass: 'imap-secret' };

/** A raw RFC 5322 message, built by nodemailer as a real client would. */
async function compose(mail: SendMailOptions): Promise<{ raw: Buffer; messageId: string }> {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await composer.sendMail(mail);
  if (!Buffer.isBuffer(info.message)) throw new Error('expected the message as a buffer');
  return { raw: info.message, messageId: info.messageId };
}

describe('e-mail over IMAP polling (a real IMAP server)', () => {
  let hub: TestHub;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let imap: ImapTestServer;
  let inboxId: string;
  const auth = { authorization: '' };

  async function createInbox(name: string, imapSettings: Json): Promise<string> {
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/inboxes',
      headers: auth,
      payload: {
        channel: 'email',
        name,
        config: {
          address: `${name.toLowerCase()}@shop.example`,
          smtp: { host: '127.0.0.1', port: 1, secure: false, starttls: 'off' },
          imap: { host: '127.0.0.1', secure: false, starttls: 'off', ...imapSettings },
        },
      },
    });
    expect(created.statusCode).toBe(200);
    return (created.json() as { id: string }).id;
  }

  const conversations = async () =>
    ((await get(hub, ws.token, '/api/conversations')).json() as { conversations: Json[] }).conversations;
  const messagesOf = async (conversationId: string) =>
    (
      (await get(hub, ws.token, `/api/conversations/${conversationId}/messages`)).json() as {
        messages: Message[];
      }
    ).messages;

  beforeAll(async () => {
    // Polling by hand (the timer is tested on its own below), so each step is deterministic.
    hub = await startDeskHub({ mailPollTickMs: 0 });
    ws = await newWorkspace(hub);
    auth.authorization = `Bearer ${ws.token}`;
    imap = await startImapServer({ [MAILBOX.user]: MAILBOX.pass });
    // One continuing conversation per thread, so that threading (not the customer's open
    // conversation) is what puts a reply where it belongs.
    const settings = await hub.app.inject({
      method: 'PATCH',
      url: '/api/desk/settings',
      headers: auth,
      payload: { continueAcrossChannels: false },
    });
    expect(settings.statusCode).toBe(200);
  });
  afterAll(async () => {
    await imap.close();
    await hub.stop();
  });

  let firstMessageId = '';
  let conversationId = '';

  it('imports new mail with its attachment and sanitised HTML, and not the mail read before', async () => {
    const old = await compose({
      from: 'old@customer.example',
      to: MAILBOX.user,
      subject: 'read long ago',
      text: 'already handled',
    });
    const oldUid = await imap.append(MAILBOX, old.raw, ['\\Seen']);
    inboxId = await createInbox('Support', { port: imap.port, user: MAILBOX.user, pass: MAILBOX.pass });

    const mail = await compose({
      from: 'Sara Ahmadi <sara@customer.example>',
      to: MAILBOX.user,
      subject: 'سفارش ۱۰۴۲',
      text: 'سلام، فاکتور پیوست است.',
      html: '<p>سلام، <b>فاکتور</b> پیوست است.</p><script>alert(1)</script><img src="x" onerror="alert(2)">',
      attachments: [{ filename: 'invoice.pdf', content: PDF, contentType: 'application/pdf' }],
    });
    firstMessageId = mail.messageId;
    const uid = await imap.append(MAILBOX, mail.raw);

    const polled = await pollMailbox(hub.desk, { workspaceId: ws.workspaceId, inboxId, force: true });
    expect(polled).toEqual({ status: 'polled', delivered: 1, more: false });

    const [conversation] = await waitFor(async () => {
      const list = await conversations();
      return list.length > 0 && list;
    });
    expect(conversation).toMatchObject({ channel: 'email', subject: 'سفارش ۱۰۴۲' });
    conversationId = String(conversation!.id);
    const [message] = await messagesOf(conversationId);
    expect(message!.body).toContain('فاکتور پیوست است');
    expect(message!.html).toContain('<b>فاکتور</b>');
    expect(message!.html).not.toMatch(/script|onerror|alert/i);
    expect(message!.attachments).toEqual([
      expect.objectContaining({ filename: 'invoice.pdf', contentType: 'application/pdf', size: PDF.length }),
    ]);
    const customer = (await get(hub, ws.token, `/api/customers/${conversation!.customerId}`)).json() as {
      identities: Json[];
    };
    expect(customer.identities).toEqual(
      expect.arrayContaining([{ type: 'email', value: 'sara@customer.example' }]),
    );

    // Flagged \Seen once stored; the mail read before connecting stayed out.
    const flags = await imap.flags(MAILBOX);
    expect(flags.get(uid)?.has('\\Seen')).toBe(true);
    expect(JSON.stringify(await conversations())).not.toContain('read long ago');
    expect(oldUid).toBeLessThan(uid);
  });

  it('serves a received attachment as a download, to its own workspace only', async () => {
    const [message] = await messagesOf(conversationId);
    const url = `/api/conversations/${conversationId}/messages/${message!.id}/attachments`;
    const file = await get(hub, ws.token, `${url}/0`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="invoice.pdf"; filename*=UTF-8''invoice.pdf`,
    );
    expect(file.rawPayload.equals(PDF)).toBe(true);
    expect((await get(hub, ws.token, `${url}/1`)).json()).toMatchObject({
      error: { code: 'PSK_ATTACHMENT_NOT_FOUND' },
    });
    const other = await newWorkspace(hub);
    const foreign = await get(hub, other.token, `${url}/0`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ error: { code: 'PSK_ATTACHMENT_NOT_FOUND' } });
  });

  it('does not import a mail twice on the next poll', async () => {
    const again = await pollMailbox(hub.desk, { workspaceId: ws.workspaceId, inboxId, force: true });
    expect(again).toEqual({ status: 'polled', delivered: 0, more: false });
    // Not due again before imap.pollSeconds (60 s by default).
    expect(await pollDueMailboxes(hub.desk)).toBe(0);
    await hub.desk.jobs.drain();
    expect(await messagesOf(conversationId)).toHaveLength(1);
    expect(await conversations()).toHaveLength(1);
  });

  it('threads a reply by In-Reply-To into the same conversation, and a new subject into a new one', async () => {
    const other = await compose({
      from: 'sara@customer.example',
      to: MAILBOX.user,
      subject: 'یک سؤال دیگر',
      text: 'سؤال جدید',
    });
    await imap.append(MAILBOX, other.raw);
    const reply = await compose({
      from: 'sara@customer.example',
      to: MAILBOX.user,
      subject: 'Re: سفارش ۱۰۴۲',
      text: 'پاسخ به همان رشته',
      inReplyTo: firstMessageId,
      references: [firstMessageId],
    });
    await imap.append(MAILBOX, reply.raw);
    const polled = await pollMailbox(hub.desk, { workspaceId: ws.workspaceId, inboxId, force: true });
    expect(polled).toMatchObject({ status: 'polled', delivered: 2 });
    // Both mails' jobs run in the background runner (drain() does not wait for those): wait for
    // what they write, the new subject's conversation and the reply in the first one.
    await waitFor(async () => (await conversations()).length === 2);
    const thread = await waitFor(async () => {
      const messages = await messagesOf(conversationId);
      return messages.length === 2 && messages;
    });
    expect(thread.map((m) => m.body)).toEqual([
      expect.stringContaining('فاکتور'),
      expect.stringContaining('پاسخ به همان رشته'),
    ]);
    expect(await conversations()).toHaveLength(2);
  });

  it('lets one poll at a time hold a mailbox', async () => {
    const [a, b] = await Promise.all([
      pollMailbox(hub.desk, { workspaceId: ws.workspaceId, inboxId, force: true }),
      pollMailbox(hub.desk, { workspaceId: ws.workspaceId, inboxId, force: true }),
    ]);
    expect([a.status, b.status].sort()).toEqual(['busy', 'polled']);
  });

  it('disables the inbox and tells the admins when the IMAP login is refused', async () => {
    const wrong = await createInbox('Sales', { port: imap.port, user: MAILBOX.user, pass: 'wrong' });
    const polled = await pollMailbox(hub.desk, { workspaceId: ws.workspaceId, inboxId: wrong, force: true });
    expect(polled).toMatchObject({ status: 'failed', failure: 'auth' });
    const inboxes = (await get(hub, ws.token, '/api/inboxes')).json() as { inboxes: Json[] };
    expect(inboxes.inboxes.find((i) => i.id === wrong)).toMatchObject({ status: 'disabled' });
    const notes = (await get(hub, ws.token, '/api/notifications')).json() as { notifications: Json[] };
    expect(notes.notifications).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'inbox_disabled', body: expect.stringContaining('Sales') }),
      ]),
    );
    // A disabled inbox is not polled any more.
    expect(
      await pollMailbox(hub.desk, { workspaceId: ws.workspaceId, inboxId: wrong, force: true }),
    ).toMatchObject({
      status: 'skipped',
    });
  });

  it('keeps the inbox and retries later when the server cannot be reached', async () => {
    const closed = await startImapServer({ x: 'y' });
    await closed.close();
    const down = await createInbox('Billing', { port: closed.port, user: 'x', pass: 'y' });
    const polled = await pollMailbox(hub.desk, { workspaceId: ws.workspaceId, inboxId: down, force: true });
    expect(polled).toMatchObject({ status: 'failed', failure: 'transient' });
    const inboxes = (await get(hub, ws.token, '/api/inboxes')).json() as { inboxes: Json[] };
    expect(inboxes.inboxes.find((i) => i.id === down)).toMatchObject({ status: 'active' });
    // Backed off: not due at once, but still scheduled.
    expect(await pollMailbox(hub.desk, { workspaceId: ws.workspaceId, inboxId: down })).toEqual({
      status: 'busy',
    });
  });

  it('polls a newly connected mailbox from the desk timer', async () => {
    const server = await startImapServer({ desk: 'pw' });
    try {
      const polling = startMailPolling(hub.desk, { tickMs: 20 });
      try {
        const timed = await createInbox('Timer', {
          port: server.port,
          user: 'desk',
          pass: 'pw',
          pollSeconds: 15,
        });
        const mail = await compose({
          from: 'reza@customer.example',
          to: 'timer@shop.example',
          subject: 'با تایمر',
          text: 'سلام',
        });
        await server.append({ user: 'desk', pass: 'pw' }, mail.raw);
        // The first poll may run before the APPEND (then it takes nothing and waits 15 s): move it up.
        await waitFor(async () => {
          await hub.database.db.asSystem((tx) =>
            tx.query(
              `UPDATE mail_poll_state SET next_poll_at = now() WHERE inbox_id = $1 AND lease_token IS NULL`,
              [timed],
            ),
          );
          return JSON.stringify(await conversations()).includes('با تایمر');
        });
      } finally {
        await polling.stop();
      }
    } finally {
      await server.close();
    }
  });
});
