// Provider webhooks: acknowledged fast, processed durably. The request is verified on its raw
// bytes and stored with its processing job in one transaction before the provider hears 200;
// then this process handles it at once (the job was claimed as it was enqueued, so no runner
// takes it too). Should the process die first, the job runs when its lease ends; when this
// process is busy, the job is left to the queue. Parsing and receiving: webhook-process.ts.
import { err, ok, type Result } from 'neverthrow';
import type { RawWebhook } from '../channels/channel-adapter.ts';
import { answerHandshake, type HandshakeReply } from '../channels/handshakes.ts';
import { isRegisteredChannelKind } from '../channels/registry.ts';
import { appError, type AppError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database } from '../db/database.ts';
import { enqueueJobWith, type JobRunner } from '../jobs/queue.ts';
import { deleteInBatches, type PruneLimits } from '../jobs/retention.ts';
import type { DeskContext } from './desk-context.ts';
import { findInboxForWebhook, type Inbox } from './inboxes.service.ts';
import { processWebhookRequest } from './webhook-process.ts';

export { webhookJob } from './webhook-process.ts';

export const WEBHOOK_JOB = 'webhook.process';
const MAX_ATTEMPTS = 8;

/** The desk with its job runner: a webhook is run here at once when the runner has room. */
export type IntakeDesk = DeskContext & { jobs: Pick<JobRunner, 'hasRoom' | 'runClaimed'> };

export async function acceptWebhook(
  desk: IntakeDesk,
  input: { inboxId: string; raw: RawWebhook },
): Promise<Result<{ requestId: string }, AppError>> {
  const inbox = await inboxForWebhook(desk.db, input.inboxId);
  if (!inbox) return err(appError('PSK_INBOX_NOT_FOUND', { field: 'inboxId' }));
  return acceptFor(desk, inbox, input.raw);
}

/**
 * A GET on a webhook URL: a provider's URL check (Meta hub.challenge, X CRC) is answered;
 * any other GET is a webhook like a POST — Kavenegar delivers inbound SMS by GET with the
 * message in the query string.
 */
export async function receiveWebhookGet(
  desk: IntakeDesk,
  input: { inboxId: string; raw: RawWebhook },
): Promise<
  Result<{ type: 'handshake'; reply: HandshakeReply } | { type: 'accepted'; requestId: string }, AppError>
> {
  const inbox = await inboxForWebhook(desk.db, input.inboxId);
  if (!inbox) return err(appError('PSK_INBOX_NOT_FOUND', { field: 'inboxId' }));
  const reply = isRegisteredChannelKind(inbox.channel)
    ? answerHandshake(inbox.channel, input.raw, inbox.config)
    : null;
  if (reply) return ok({ type: 'handshake', reply });
  return (await acceptFor(desk, inbox, input.raw)).map(({ requestId }) => ({
    type: 'accepted' as const,
    requestId,
  }));
}

// Every request looks its inbox up. What accepting and parsing read of it — workspace, channel,
// config, secret — does not change once the inbox exists (its status does, and is not read
// here), so a process keeps it a few seconds: one transaction less per message. Ids not found
// are not kept.
const INBOX_TTL_MS = 5_000;
const knownInboxes = new WeakMap<Database, Map<string, { inbox: Inbox; until: number }>>();

async function inboxForWebhook(db: Database, inboxId: string): Promise<Inbox | null> {
  let known = knownInboxes.get(db);
  if (!known) knownInboxes.set(db, (known = new Map()));
  const hit = known.get(inboxId);
  if (hit && hit.until > Date.now()) return hit.inbox;
  const inbox = await findInboxForWebhook(db, inboxId);
  if (inbox) known.set(inboxId, { inbox, until: Date.now() + INBOX_TTL_MS });
  else known.delete(inboxId);
  return inbox;
}

async function acceptFor(
  desk: IntakeDesk,
  inbox: Inbox,
  raw: RawWebhook,
): Promise<Result<{ requestId: string }, AppError>> {
  const adapter = desk.adapters.get(inbox.channel);
  const config = adapter?.config.safeParse(inbox.config);
  if (!adapter || !config?.success) return err(appError('PSK_CHANNEL_NOT_AVAILABLE', { field: 'inboxId' }));
  let verified = false;
  try {
    verified = adapter.verify(raw, config.data);
  } catch {
    verified = false;
  }
  if (!verified) {
    desk.logger.warn(
      {
        inboxId: inbox.id,
        channel: inbox.channel,
        workspaceId: inbox.workspaceId,
        bytes: raw.rawBody.length,
      },
      'webhook rejected: bad or missing signature',
    );
    return err(appError('PSK_WEBHOOK_SIGNATURE_INVALID'));
  }
  const workspaceId = inbox.workspaceId;
  const requestId = uuidv7();
  const inline = desk.jobs.hasRoom();
  const payload = { requestId };
  // The raw request and its job in one statement, committing by itself (one round trip): both
  // are durable before the provider hears 200. It runs as the hub's own role, like the queue's
  // claims, with the workspace of the inbox just looked up.
  const jobId = await enqueueJobWith(
    { query: (text, params, options) => desk.db.run(text, params, options) },
    {
      text: `INSERT INTO webhook_requests (workspace_id, id, inbox_id, method, url, headers, query, body)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      params: [
        workspaceId,
        requestId,
        inbox.id,
        raw.method,
        raw.url,
        JSON.stringify(raw.headers),
        JSON.stringify(raw.query),
        raw.rawBody,
      ],
    },
    { workspaceId, kind: WEBHOOK_JOB, payload, maxAttempts: MAX_ATTEMPTS, claimed: inline },
  );
  if (inline && jobId) {
    // Committed: the request is durable whatever happens now. Processing starts at once and is
    // not awaited — the provider's 200 does not wait for it.
    const job = { workspaceId, id: jobId, kind: WEBHOOK_JOB, payload, attempt: 1, maxAttempts: MAX_ATTEMPTS };
    void desk.jobs.runClaimed(job, () => processWebhookRequest(desk, { workspaceId, requestId, inbox, raw }));
  } else desk.kickJobs();
  return ok({ requestId });
}

/** Deletes processed webhook requests received before `olderThan`, in small batches; how many. */
export async function pruneProcessedWebhooks(
  db: Database,
  input: { olderThan: Date } & PruneLimits,
): Promise<number> {
  return deleteInBatches(async (limit) => {
    const rows = await db.asSystem((tx) =>
      tx.query<{ id: string }>(
        `DELETE FROM webhook_requests w USING (
           SELECT workspace_id, id FROM webhook_requests
           WHERE received_at < $1::timestamptz AND processed_at IS NOT NULL
           ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED) old
         WHERE w.workspace_id = old.workspace_id AND w.id = old.id RETURNING w.id`,
        [input.olderThan, limit],
      ),
    );
    return rows.length;
  }, input);
}

export type DeadLetter = { id: string; inboxId: string; reason: string; body: string; createdAt: Date };

export async function listDeadLetters(
  db: Database,
  input: { workspaceId: string; inboxId?: string },
): Promise<DeadLetter[]> {
  const rows = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{ id: string; inbox_id: string; reason: string; body: string; created_at: Date }>(
      `SELECT id, inbox_id, reason, body, created_at FROM dead_letters
       WHERE workspace_id = $1 AND ($2::uuid IS NULL OR inbox_id = $2::uuid) ORDER BY created_at DESC LIMIT 500`,
      [input.workspaceId, input.inboxId ?? null],
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    inboxId: r.inbox_id,
    reason: r.reason,
    body: r.body,
    createdAt: r.created_at,
  }));
}
