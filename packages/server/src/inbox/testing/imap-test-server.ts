// A real IMAP server in the test process: hoodiecrow-imap, Andris Reinman's scriptable server,
// which imapflow itself was tested against. The tests speak to it only over IMAP (imapflow), as
// any mail client would: mail is APPENDed, flags are read back.
import type { AddressInfo } from 'node:net';
import hoodiecrow from 'hoodiecrow-imap';
import { ImapFlow } from 'imapflow';

export type ImapTestServer = {
  port: number;
  /** APPENDs a raw message to INBOX as `user`; returns its UID. */
  append(user: { user: string; pass: string }, raw: Buffer | string, flags?: string[]): Promise<number>;
  /** The flags of each message of INBOX, by UID. */
  flags(user: { user: string; pass: string }): Promise<Map<number, Set<string>>>;
  close(): Promise<void>;
};

async function session<T>(
  port: number,
  auth: { user: string; pass: string },
  work: (c: ImapFlow) => Promise<T>,
) {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth, logger: false });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

export async function startImapServer(users: Record<string, string>): Promise<ImapTestServer> {
  const server = hoodiecrow({
    plugins: ['ID', 'UIDPLUS', 'LITERALPLUS', 'ENABLE', 'SPECIAL-USE', 'UNSELECT'],
    users: Object.fromEntries(Object.entries(users).map(([user, password]) => [user, { password }])),
    // hoodiecrow's mailboxes are shared by its users: one INBOX is enough for these tests.
    storage: { INBOX: { messages: [] }, '': { separator: '/' } },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    append: (auth, raw, flags = []) =>
      session(port, auth, async (client) => {
        const appended = await client.append('INBOX', raw, flags);
        if (!appended || appended.uid === undefined) throw new Error('APPEND gave no UID');
        return appended.uid;
      }),
    flags: (auth) =>
      session(port, auth, async (client) => {
        const lock = await client.getMailboxLock('INBOX');
        try {
          const out = new Map<number, Set<string>>();
          for (const m of await client.fetchAll('1:*', { uid: true, flags: true }, { uid: true }))
            out.set(m.uid, m.flags ?? new Set());
          return out;
        } finally {
          lock.release();
        }
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
