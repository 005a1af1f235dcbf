// Polls an inbox's IMAP mailbox for mail that reached it there (a hosted mailbox, a forward we do
// not control). New mail is found by UID, not by the \Seen flag: a person opening the mailbox in
// webmail must not hide mail from us, nor marking it unread bring it back. The caller stores the
// returned cursor and passes it next time.
//
// The first poll (no cursor, or the server's UIDVALIDITY changed) takes the unseen mail — or,
// with `since`, the mail from that day — and then moves the cursor past everything already in the
// mailbox: mail people read there before the inbox was connected is never imported.
import { err, ok, type Result } from 'neverthrow';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { ImapSettings } from './email-config.ts';

/**
 * Where the last poll stopped. UIDs only mean something within one UIDVALIDITY: when the server
 * renumbers the mailbox (it was recreated or restored), the cursor no longer applies and the
 * poll starts over as a first poll.
 */
export type ImapCursor = { uidValidity: string; lastUid: number };

export type ImapPollOutcome = {
  cursor: ImapCursor;
  /** Mail handed to onMessage and marked \Seen. */
  delivered: number;
  /** UIDs left alone because they are larger than maxSizeBytes. */
  tooLarge: number[];
  /** More new mail than one poll takes is waiting: poll again soon. */
  more: boolean;
};

/** `auth` disables the inbox and tells an admin (wrong password, no such mailbox, untrusted server); `transient` retries. */
export type ImapPollFailure = { type: 'transient' | 'auth'; reason: string; cursor: ImapCursor | null };

/**
 * Where a mail sits. Outside a first poll the caller may store `{uidValidity, lastUid: uid}` as
 * its cursor together with the mail, so a crash between two mails neither loses nor repeats one;
 * a first poll's cursor only holds once the whole poll is done (it skips the mail already there).
 */
export type ImapMessageInfo = { uid: number; uidValidity: string; firstPoll: boolean };

export type ImapPollInput = {
  config: ImapSettings;
  /** null on the first poll (and after a UIDVALIDITY change). */
  cursor: ImapCursor | null;
  /** First poll only: take mail from this day on. Without it, the first poll takes the unseen mail. */
  since?: Date;
  /** Store the mail; resolve once it is durable. A rejection stops the poll there. */
  onMessage: (raw: Buffer, info: ImapMessageInfo) => Promise<void>;
  maxMessages?: number;
  maxSizeBytes?: number;
};

const CONNECT_TIMEOUT_MS = 20_000;
const SOCKET_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_MESSAGES = 100;
const DEFAULT_MAX_SIZE = 25 * 1024 * 1024;

type ImapError = Error & {
  authenticationFailed?: boolean;
  mailboxMissing?: boolean;
  code?: string;
  responseStatus?: string;
  serverResponseCode?: string;
};

/**
 * Opening the configured mailbox failed. A mailbox that does not exist (NO [NONEXISTENT], or
 * imapflow's LIST check) or a name the server calls invalid (BAD) will not fix itself: an admin
 * must correct the setting. Anything else (NO [INUSE], a dropped socket) may pass.
 */
function mailboxFailure(error: unknown, mailbox: string, cursor: ImapCursor | null): ImapPollFailure {
  const e: ImapError = error instanceof Error ? error : new Error(String(error));
  if (e.mailboxMissing || e.serverResponseCode === 'NONEXISTENT' || e.responseStatus === 'BAD')
    return { type: 'auth', reason: `IMAP mailbox "${mailbox}" cannot be opened: ${e.message}`, cursor };
  return failure(e, cursor);
}

function failure(error: unknown, cursor: ImapCursor | null): ImapPollFailure {
  const e: ImapError = error instanceof Error ? error : new Error(String(error));
  const reason = e.message;
  if (e.authenticationFailed) return { type: 'auth', reason: `IMAP login refused: ${reason}`, cursor };
  if (e.mailboxMissing) return { type: 'auth', reason: `IMAP mailbox not found: ${reason}`, cursor };
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|STARTTLS/i.test(`${e.code ?? ''} ${reason}`)) {
    return { type: 'auth', reason: `IMAP TLS: ${reason}`, cursor };
  }
  return { type: 'transient', reason: `IMAP: ${reason}`, cursor };
}

function clientOptions(config: ImapSettings): ImapFlowOptions {
  return {
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.secure
      ? {}
      : config.starttls === 'opportunistic'
        ? {}
        : { doSTARTTLS: config.starttls === 'required' }),
    ...(config.ca !== undefined ? { tls: { ca: config.ca } } : {}),
    auth: { user: config.user, pass: config.pass },
    logger: false,
    // One short session per poll: no IDLE, and no waiting on a dead server longer than a job should.
    disableAutoIdle: true,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  };
}

async function newUids(client: ImapFlow, input: ImapPollInput, cursor: ImapCursor | null): Promise<number[]> {
  const query = cursor
    ? { uid: `${cursor.lastUid + 1}:*` }
    : input.since
      ? { since: input.since }
      : { seen: false };
  const found = (await client.search(query, { uid: true })) || [];
  // "n:*" always matches the highest UID, even one below n (RFC 3501 §6.4.8): filter again.
  return found.filter((uid) => cursor === null || uid > cursor.lastUid).sort((a, b) => a - b);
}

export async function pollImapInbox(input: ImapPollInput): Promise<Result<ImapPollOutcome, ImapPollFailure>> {
  const client = new ImapFlow(clientOptions(input.config));
  let lastError: Error | null = null;
  // The client reports a dropped socket as an 'error' event; unhandled, it would end the process.
  client.on('error', (error: Error) => {
    lastError = error;
  });
  let cursor: ImapCursor | null = input.cursor;
  try {
    await client.connect();
  } catch (error) {
    return err(failure(lastError ?? error, cursor));
  }
  let lock: Awaited<ReturnType<ImapFlow['getMailboxLock']>>;
  try {
    lock = await client.getMailboxLock(input.config.mailbox);
  } catch (error) {
    await client.logout().catch(() => client.close());
    return err(mailboxFailure(lastError ?? error, input.config.mailbox, cursor));
  }
  try {
    const mailbox = client.mailbox;
    if (!mailbox) return err(failure(new Error('the mailbox could not be opened'), cursor));
    const uidValidity = String(mailbox.uidValidity);
    const firstPoll = cursor === null || cursor.uidValidity !== uidValidity;
    if (firstPoll) cursor = null;
    const found = await newUids(client, input, cursor);
    // A first poll takes all it found (its set is bounded by `since` or by unseen mail), then
    // continues after everything that was already there, so old read mail is never imported.
    const limit = firstPoll ? found.length : (input.maxMessages ?? DEFAULT_MAX_MESSAGES);
    const batch = found.slice(0, limit);
    const maxSize = input.maxSizeBytes ?? DEFAULT_MAX_SIZE;
    const sizes = new Map<number, number>();
    if (batch.length > 0) {
      for (const message of await client.fetchAll(
        batch.join(','),
        { uid: true, size: true },
        { uid: true },
      )) {
        sizes.set(message.uid, message.size ?? 0);
      }
    }
    let lastUid = cursor?.lastUid ?? 0;
    let delivered = 0;
    const tooLarge: number[] = [];
    for (const uid of batch) {
      if ((sizes.get(uid) ?? 0) > maxSize) {
        tooLarge.push(uid);
        lastUid = uid;
        continue;
      }
      const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
      if (message && message.source) {
        try {
          await input.onMessage(message.source, { uid, uidValidity, firstPoll });
        } catch (error) {
          // Stored up to the previous UID: the caller keeps that cursor and the next poll resumes here.
          const progress = firstPoll ? null : { uidValidity, lastUid };
          return err({
            ...failure(error, progress),
            reason: `storing UID ${uid} failed: ${String(error)}`,
          });
        }
        // Marked only once stored; the flag is for people reading the mailbox, the cursor is ours.
        await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        delivered++;
      }
      lastUid = uid;
    }
    if (firstPoll) lastUid = Math.max(lastUid, mailbox.uidNext - 1);
    return ok({
      cursor: { uidValidity, lastUid },
      delivered,
      tooLarge,
      more: found.length > batch.length,
    });
  } catch (error) {
    return err(failure(lastError ?? error, cursor));
  } finally {
    lock.release();
    await client.logout().catch(() => client.close());
  }
}
