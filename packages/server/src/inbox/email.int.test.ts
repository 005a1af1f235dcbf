import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpListener, type SmtpListener } from '../channels/email/smtp-listener.ts';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { acceptInboundMail, acceptsMailFor } from './mail-intake.ts';
import { startDeskHub, waitFor } from './testing/desk-test-hub.ts';

type Json = Record<string, unknown>;

describe('e-mail both ways over real SMTP', () => {
  let hub: TestHub;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let listener: SmtpListener;
  let relay: SMTPServer;
  let relayPort: number;
  const relayed: string[] = [];

  beforeAll(async () => {
    hub = await startDeskHub();
    ws = await newWorkspace(hub);
    // The company's outgoing mail server: a real SMTP server that keeps what the hub sends.
    relay = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          relayed.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    relayPort = (relay.server.address() as AddressInfo).port;
    listener = await startSmtpListener({
      port: 0,
      host: '127.0.0.1',
      maxSizeBytes: 5 * 1024 * 1024,
      acceptsRecipient: (address) => acceptsMailFor(hub.desk, address),
      onMessage: async (raw, envelope) => {
        await acceptInboundMail(hub.desk, { raw, envelope });
      },
    });
  });
  afterAll(async () => {
    await listener.close();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    await hub.stop();
  });

  it('receives a mail on the SMTP listener, threads the reply and sends it through the SMTP relay', async () => {
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/inboxes',
      headers: { authorization: `Bearer ${ws.token}` },
      payload: {
        channel: 'email',
        name: 'Support',
        config: {
          address: 'support@shop.example',
          name: 'Shop support',
          smtp: { host: '127.0.0.1', port: relayPort, secure: false, starttls: 'off' },
        },
      },
    });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ receivingAddress: 'support@shop.example' });

    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.port,
      secure: false,
      ignoreTLS: true,
    });
    const sent = await client.sendMail({
      from: 'Sara Ahmadi <sara@customer.example>',
      to: 'support@shop.example',
      subject: 'سفارش ۱۰۴۲',
      text: 'سلام، سفارش من هنوز نرسیده.\n\n-- \nسارا احمدی\n۰۹۱۲ ۳۴۵ ۶۷۸۹\n',
    });
    await expect(
      client.sendMail({ from: 'x@customer.example', to: 'nobody@shop.example', subject: 'x', text: 'x' }),
    ).rejects.toThrow(/550/);

    const [conversation] = await waitFor(async () => {
      const list = ((await get(hub, ws.token, '/api/conversations')).json() as { conversations: Json[] })
        .conversations;
      return list.length > 0 && list;
    });
    expect(conversation).toMatchObject({ channel: 'email', subject: 'سفارش ۱۰۴۲' });
    const customer = (await get(hub, ws.token, `/api/customers/${conversation!.customerId}`)).json() as {
      identities: Json[];
    };
    expect(customer.identities).toEqual(
      expect.arrayContaining([
        { type: 'email', value: 'sara@customer.example' },
        { type: 'phone', value: '+989123456789' },
      ]),
    );

    await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation!.id}/messages`,
      headers: { authorization: `Bearer ${ws.token}` },
      payload: { body: 'سلام سارا، امروز ارسال می‌شود.' },
    });
    const reply = await waitFor(async () => relayed[0]);
    expect(reply).toMatch(/^To: sara@customer\.example/im);
    expect(reply).toContain(`In-Reply-To: ${sent.messageId}`);
    expect(reply).toMatch(/^Subject: .+/m);
  });

  it('sends the files an agent attaches through the SMTP relay, within the size limits', async () => {
    const list = ((await get(hub, ws.token, '/api/conversations')).json() as { conversations: Json[] })
      .conversations;
    const url = `/api/conversations/${list[0]!.id}/messages`;
    const headers = { authorization: `Bearer ${ws.token}` };
    const pdf = Buffer.from('%PDF-1.4\n% فاکتور\n%%EOF\n');
    const tooBig = await hub.app.inject({
      method: 'POST',
      url,
      headers,
      payload: {
        body: 'x',
        attachments: [
          { filename: 'a.txt', contentType: 'text/plain', contentBase64: 'aGk=' },
          {
            filename: 'big.bin',
            contentType: 'application/octet-stream',
            contentBase64: Buffer.alloc(10 * 1024 * 1024 + 1).toString('base64'),
          },
        ],
      },
    });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json()).toMatchObject({
      error: { code: 'PSK_ATTACHMENT_TOO_LARGE', field: 'attachments[1].contentBase64' },
    });
    const notBase64 = await hub.app.inject({
      method: 'POST',
      url,
      headers,
      payload: {
        body: 'x',
        attachments: [{ filename: 'a.txt', contentType: 'text/plain', contentBase64: '%%%' }],
      },
    });
    expect(notBase64.statusCode).toBe(400);
    expect(notBase64.json()).toMatchObject({ error: { code: 'PSK_VALIDATION' } });
    expect(JSON.stringify(notBase64.json())).toContain('contentBase64');

    const before = relayed.length;
    const posted = await hub.app.inject({
      method: 'POST',
      url,
      headers,
      payload: {
        body: 'فاکتور پیوست است.',
        attachments: [
          { filename: 'فاکتور.pdf', contentType: 'application/pdf', contentBase64: pdf.toString('base64') },
        ],
      },
    });
    expect(posted.statusCode).toBe(200);
    const raw = await waitFor(async () => relayed[before]);
    const mail = await simpleParser(raw);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: 'فاکتور.pdf', contentType: 'application/pdf' });
    expect(mail.attachments[0]!.content.equals(pdf)).toBe(true);
    expect(mail.text).toContain('فاکتور پیوست است.');

    // Kept with the message: listed, and downloadable as sent.
    const { messageId } = posted.json() as { messageId: string };
    const messages = (await get(hub, ws.token, url)).json() as {
      messages: { id: string; attachments: Json[] }[];
    };
    expect(messages.messages.find((m) => m.id === messageId)?.attachments).toEqual([
      { filename: 'فاکتور.pdf', contentType: 'application/pdf', size: pdf.length },
    ]);
    const file = await get(hub, ws.token, `${url}/${messageId}/attachments/0`);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(pdf)).toBe(true);
  });
});
