import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startImapServer, type ImapTestServer } from '../../inbox/testing/imap-test-server.ts';
import { ImapSettings } from './email-config.ts';
import { pollImapInbox, type ImapCursor } from './imap-poller.ts';

const USER = { user: 'box@shop.example', pass: 'pw-123' };
const mail = (subject: string, body = 'hello') =>
  `From: a@customer.example\r\nTo: ${USER.user}\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@customer.example>\r\n\r\n${body}\r\n`;

// The poller alone against a real IMAP server (hoodiecrow-imap in process), without a database.
describe('pollImapInbox', () => {
  let server: ImapTestServer;
  let config: ImapSettings;
  beforeEach(async () => {
    server = await startImapServer({ [USER.user]: USER.pass });
    config = ImapSettings.parse({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      starttls: 'off',
      ...USER,
    });
  });
  afterEach(async () => server.close());

  async function poll(
    cursor: ImapCursor | null,
    options: { maxMessages?: number; maxSizeBytes?: number } = {},
  ) {
    const got: { subject: string; uid: number; firstPoll: boolean }[] = [];
    const result = await pollImapInbox({
      config,
      cursor,
      ...options,
      onMessage: async (raw, info) => {
        got.push({ subject: /^Subject: (.*)$/m.exec(raw.toString())?.[1]?.trim() ?? '', ...info });
      },
    });
    return { outcome: result._unsafeUnwrap(), got };
  }

  it('starts over as a first poll when the mailbox was renumbered (UIDVALIDITY changed)', async () => {
    await server.append(USER, mail('read'), ['\\Seen']);
    await server.append(USER, mail('unread'));
    const { outcome, got } = await poll({ uidValidity: 'an-older-mailbox', lastUid: 999 });
    expect(got.map((m) => [m.subject, m.firstPoll])).toEqual([['unread', true]]);
    expect(outcome.cursor.uidValidity).not.toBe('an-older-mailbox');
    expect(outcome.cursor.lastUid).toBe(2);
  });

  it('takes at most maxMessages past the cursor and says more is waiting', async () => {
    const first = await poll(null);
    for (const n of [1, 2, 3]) await server.append(USER, mail(`m${n}`));
    const some = await poll(first.outcome.cursor, { maxMessages: 2 });
    expect(some.got.map((m) => [m.subject, m.firstPoll])).toEqual([
      ['m1', false],
      ['m2', false],
    ]);
    expect(some.outcome).toMatchObject({ delivered: 2, more: true });
    const rest = await poll(some.outcome.cursor, { maxMessages: 2 });
    expect(rest.got.map((m) => m.subject)).toEqual(['m3']);
    expect(rest.outcome.more).toBe(false);
  });

  it('leaves a mail larger than the limit in the mailbox, unflagged, and goes on', async () => {
    const first = await poll(null);
    const big = await server.append(USER, mail('big', 'x'.repeat(5000)));
    const small = await server.append(USER, mail('small'));
    const { outcome, got } = await poll(first.outcome.cursor, { maxSizeBytes: 1000 });
    expect(got.map((m) => m.subject)).toEqual(['small']);
    expect(outcome).toMatchObject({ delivered: 1, tooLarge: [big], cursor: { lastUid: small } });
    const flags = await server.flags(USER);
    expect(flags.get(big)?.has('\\Seen')).toBe(false);
    expect(flags.get(small)?.has('\\Seen')).toBe(true);
  });

  it('stops at a mail that could not be stored and keeps the cursor before it', async () => {
    const first = await poll(null);
    const ok = await server.append(USER, mail('stored'));
    const failing = await server.append(USER, mail('fails'));
    const result = await pollImapInbox({
      config,
      cursor: first.outcome.cursor,
      onMessage: async (_raw, info) => {
        if (info.uid === failing) throw new Error('database down');
      },
    });
    const failure = result._unsafeUnwrapErr();
    expect(failure).toMatchObject({ type: 'transient', cursor: { lastUid: ok } });
    expect(failure.reason).toContain('database down');
    expect((await server.flags(USER)).get(failing)?.has('\\Seen')).toBe(false);
  });

  it('calls a refused login or a missing mailbox an auth failure, an unreachable server a transient one', async () => {
    const refused = await pollImapInbox({
      config: { ...config, pass: 'wrong' },
      cursor: null,
      onMessage: async () => {},
    });
    expect(refused._unsafeUnwrapErr().type).toBe('auth');
    const missing = await pollImapInbox({
      config: { ...config, mailbox: 'No/Such/Box' },
      cursor: null,
      onMessage: async () => {},
    });
    expect(missing._unsafeUnwrapErr().type).toBe('auth');
    await server.close();
    const down = await pollImapInbox({ config, cursor: null, onMessage: async () => {} });
    expect(down._unsafeUnwrapErr().type).toBe('transient');
    server = await startImapServer({ [USER.user]: USER.pass });
  });
});
