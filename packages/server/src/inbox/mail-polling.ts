// IMAP polling for e-mail inboxes whose mail lands in a hosted mailbox. A small timer, not the job
// queue: the queue has no recurring jobs, so each poll would enqueue the next one — a chain that
// ends for good when one job is given up, that must be started for every new inbox, and that
// leaves a finished row per inbox per minute. Here the schedule is a due time on the inbox's
// mail_poll_state row, which nothing can lose. What the queue gives — one process at a time, a
// crashed one's work taken over — comes from a lease on that row, claimed the way the queue
// claims a job (a conditional UPDATE, so it works on PGlite and across PostgreSQL processes alike;
// an advisory lock would have to hold a transaction open across the IMAP session, and PGlite has
// one connection).
import { randomUUID } from 'node:crypto';
import { EmailConfig } from '../channels/email/email-config.ts';
import { pollImapInbox, type ImapCursor } from '../channels/email/imap-poller.ts';
import type { Tx } from '../db/database.ts';
import { disableInbox } from './deliver.ts';
import type { DeskContext } from './desk-context.ts';
import { readInbox } from './inboxes.service.ts';
import { storeInboundMail } from './mail-intake.ts';

/** Longer than any poll its timeouts allow; renewed with every stored mail. */
const LEASE_SECONDS = 600;
/** Transient failures back off from the poll interval up to this. */
const MAX_BACKOFF_SECONDS = 1800;
const DEFAULT_TICK_MS = 5000;
const POLLS_AT_ONCE = 4;

export type MailPollResult =
  | { status: 'polled'; delivered: number; more: boolean }
  /** Another process (or an earlier tick) holds the mailbox's lease. */
  | { status: 'busy' }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; failure: 'transient' | 'auth'; reason: string };

type Claim = { uid_validity: string | null; last_uid: string | number | bigint; failures: number };

async function claim(
  tx: Tx,
  input: { workspaceId: string; inboxId: string; token: string; force: boolean },
): Promise<Claim | null> {
  await tx.query(
    `INSERT INTO mail_poll_state (workspace_id, inbox_id) VALUES ($1, $2) ON CONFLICT (workspace_id, inbox_id) DO NOTHING`,
    [input.workspaceId, input.inboxId],
  );
  const [row] = await tx.query<Claim>(
    `UPDATE mail_poll_state SET lease_token = $3, locked_until = now() + make_interval(secs => $4)
     WHERE workspace_id = $1 AND inbox_id = $2 AND (locked_until IS NULL OR locked_until < now())
       AND ($5::boolean OR next_poll_at <= now())
     RETURNING uid_validity, last_uid, failures`,
    [input.workspaceId, input.inboxId, input.token, LEASE_SECONDS, input.force],
  );
  return row ?? null;
}

/** Ends the lease (only ours: a process whose lease ran out must not move the cursor back). */
async function release(
  desk: DeskContext,
  input: {
    workspaceId: string;
    inboxId: string;
    token: string;
    cursor: ImapCursor | null;
    nextInSeconds: number;
    failures: number;
    error: string | null;
  },
): Promise<void> {
  await desk.db.inWorkspace(input.workspaceId, (tx) =>
    tx.query(
      `UPDATE mail_poll_state SET lease_token = NULL, locked_until = NULL, last_polled_at = now(),
         next_poll_at = now() + make_interval(secs => $4), failures = $5, last_error = $6,
         uid_validity = coalesce($7::text, uid_validity), last_uid = coalesce($8::bigint, last_uid)
       WHERE workspace_id = $1 AND inbox_id = $2 AND lease_token = $3`,
      [
        input.workspaceId,
        input.inboxId,
        input.token,
        input.nextInSeconds,
        input.failures,
        input.error,
        input.cursor?.uidValidity ?? null,
        input.cursor?.lastUid ?? null,
      ],
    ),
  );
}

/**
 * Polls one inbox's mailbox now if it is due (or `force`), unless another poll holds it. Each new
 * mail is stored with its processing job, and — outside a first poll — the cursor moved to it, in
 * one transaction before the poller flags it \Seen; the same road as SMTP mail from there on.
 */
export async function pollMailbox(
  desk: DeskContext,
  input: { workspaceId: string; inboxId: string; force?: boolean },
): Promise<MailPollResult> {
  const { workspaceId, inboxId } = input;
  const token = randomUUID();
  const loaded = await desk.db.inWorkspace(workspaceId, async (tx) => {
    const inbox = await readInbox(tx, { workspaceId, inboxId });
    if (!inbox || inbox.channel !== 'email' || inbox.status !== 'active') return { inbox, state: null };
    return { inbox, state: await claim(tx, { workspaceId, inboxId, token, force: input.force ?? false }) };
  });
  const { inbox, state } = loaded;
  if (!inbox || inbox.channel !== 'email' || inbox.status !== 'active')
    return { status: 'skipped', reason: 'not an active e-mail inbox' };
  const config = EmailConfig.safeParse(inbox.config);
  if (!state) return { status: 'busy' };
  const done = (cursor: ImapCursor | null, nextInSeconds: number, failures: number, error: string | null) =>
    release(desk, { workspaceId, inboxId, token, cursor, nextInSeconds, failures, error });
  if (!config.success || !config.data.imap) {
    await done(null, 3600, state.failures, 'no IMAP settings');
    return { status: 'skipped', reason: 'the inbox has no IMAP settings' };
  }
  const { imap, address } = config.data;
  const cursor: ImapCursor | null =
    state.uid_validity === null ? null : { uidValidity: state.uid_validity, lastUid: Number(state.last_uid) };
  const result = await pollImapInbox({
    config: imap,
    cursor,
    onMessage: async (raw, info) => {
      await desk.db.inWorkspace(workspaceId, async (tx) => {
        // The lease renewed and the cursor moved in the mail's own transaction: if another process
        // took the mailbox over meanwhile, nothing is stored and the poll stops here.
        const owned = await tx.query(
          `UPDATE mail_poll_state SET locked_until = now() + make_interval(secs => $4),
             uid_validity = CASE WHEN $5::boolean THEN uid_validity ELSE $6::text END,
             last_uid = CASE WHEN $5::boolean THEN last_uid ELSE $7::bigint END
           WHERE workspace_id = $1 AND inbox_id = $2 AND lease_token = $3 RETURNING inbox_id`,
          [workspaceId, inboxId, token, LEASE_SECONDS, info.firstPoll, info.uidValidity, info.uid],
        );
        if (owned.length === 0) throw new Error('the mailbox lease was lost to another poll');
        await storeInboundMail(tx, {
          workspaceId,
          inboxId,
          transport: 'IMAP',
          raw,
          // The mailbox is this inbox's: it is the recipient whatever the To: header says (Bcc, lists).
          envelope: { from: '', to: [address] },
          receivedAt: desk.now(),
        });
      });
      desk.kickJobs();
    },
  });
  if (result.isOk()) {
    const { delivered, more, tooLarge } = result.value;
    if (tooLarge.length > 0)
      desk.logger.warn({ inboxId, uids: tooLarge }, 'IMAP mail larger than the limit left in the mailbox');
    await done(result.value.cursor, more ? 0 : imap.pollSeconds, 0, null);
    return { status: 'polled', delivered, more };
  }
  const failure = result.error;
  if (failure.type === 'auth') {
    await done(null, imap.pollSeconds, state.failures + 1, failure.reason);
    await disableInbox(desk, { workspaceId, inboxId, name: inbox.name, reason: failure.reason });
    return { status: 'failed', failure: 'auth', reason: failure.reason };
  }
  // What was stored before the failure already moved the cursor; the next poll resumes after it.
  const failures = state.failures + 1;
  const backoff = Math.min(MAX_BACKOFF_SECONDS, imap.pollSeconds * 2 ** Math.min(failures - 1, 10));
  desk.logger.warn({ inboxId, reason: failure.reason, retryInSeconds: backoff }, 'IMAP poll failed');
  await done(null, backoff, failures, failure.reason);
  return { status: 'failed', failure: 'transient', reason: failure.reason };
}

/** Every active e-mail inbox with IMAP settings whose poll is due and not leased. */
async function dueMailboxes(desk: DeskContext): Promise<{ workspace_id: string; id: string }[]> {
  // Across workspaces, like SMTP's look-up by address: only ids leave this query.
  return desk.db.asSystem((tx) =>
    tx.query<{ workspace_id: string; id: string }>(
      `SELECT i.workspace_id, i.id FROM inboxes i
       LEFT JOIN mail_poll_state s ON s.workspace_id = i.workspace_id AND s.inbox_id = i.id
       WHERE i.channel = 'email' AND i.status = 'active' AND jsonb_typeof(i.config->'imap') = 'object'
         AND (s.inbox_id IS NULL OR (s.next_poll_at <= now() AND (s.locked_until IS NULL OR s.locked_until < now())))
       ORDER BY s.next_poll_at NULLS FIRST LIMIT 100`,
    ),
  );
}

/** One round: polls the due mailboxes, a few at a time. Returns how many were polled. */
export async function pollDueMailboxes(desk: DeskContext): Promise<number> {
  const due = await dueMailboxes(desk);
  let polled = 0;
  for (let i = 0; i < due.length; i += POLLS_AT_ONCE) {
    const results = await Promise.all(
      due
        .slice(i, i + POLLS_AT_ONCE)
        .map((inbox) => pollMailbox(desk, { workspaceId: inbox.workspace_id, inboxId: inbox.id })),
    );
    polled += results.filter((r) => r.status === 'polled' || r.status === 'failed').length;
  }
  return polled;
}

export type MailPolling = { stop(): Promise<void> };

/** Starts the timer (the desk does, with itself); `tickMs: 0` leaves polling to the caller (tests). */
export function startMailPolling(desk: DeskContext, options: { tickMs?: number } = {}): MailPolling {
  const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
  if (tickMs <= 0) return { stop: async () => {} };
  let round: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (round) return;
    round = pollDueMailboxes(desk)
      .catch((error: unknown) => desk.logger.error({ err: error }, 'IMAP polling round failed'))
      .finally(() => (round = null));
  }, tickMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}
