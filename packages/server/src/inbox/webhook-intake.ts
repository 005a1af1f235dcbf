// Provider webhooks: acknowledged fast, processed durably. The request is verified on its raw
// bytes, stored with its processing job in one transaction, and answered; a job parses it and
// hands the items to the one receive path. What cannot be parsed goes to the dead-letter list.
import { err, ok, type Result } from 'neverthrow';
import type { RawWebhook } from '../channels/channel-adapter.ts';
import { answerHandshake, type HandshakeReply } from '../channels/handshakes.ts';
import { isRegisteredChannelKind } from '../channels/registry.ts';
import { appError, type AppError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database, Tx } from '../db/database.ts';
import { enqueueJob, type JobHandler } from '../jobs/queue.ts';
import type { DeskContext } from './desk-context.ts';
import { findInboxForWebhook, readInbox } from './inboxes.service.ts';
import { receiveInbound } from './receive.ts';

export const WEBHOOK_JOB = 'webhook.process';

export async function acceptWebhook(
  desk: DeskContext,
  input: { inboxId: string; raw: RawWebhook },
): Promise<Result<{ requestId: string }, AppError>> {
  const inbox = await findInboxForWebhook(desk.db, input.inboxId);
  if (!inbox) return err(appError('PSK_INBOX_NOT_FOUND', { field: 'inboxId' }));
  const adapter = desk.adapters.get(inbox.channel);
  const config = adapter?.config.safeParse(inbox.config);
  if (!adapter || !config?.success) return err(appError('PSK_CHANNEL_NOT_AVAILABLE', { field: 'inboxId' }));
  let verified = false;
  try {
    verified = adapter.verify(input.raw, config.data);
  } catch {
    verified = false;
  }
  if (!verified) {
    desk.logger.warn(
      {
        inboxId: inbox.id,
        channel: inbox.channel,
        workspaceId: inbox.workspaceId,
        bytes: input.raw.rawBody.length,
      },
      'webhook rejected: bad or missing signature',
    );
    return err(appError('PSK_WEBHOOK_SIGNATURE_INVALID'));
  }
  const requestId = uuidv7();
  await desk.db.inWorkspace(inbox.workspaceId, async (tx) => {
    await tx.query(
      `INSERT INTO webhook_requests (workspace_id, id, inbox_id, method, url, headers, query, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        inbox.workspaceId,
        requestId,
        inbox.id,
        input.raw.method,
        input.raw.url,
        JSON.stringify(input.raw.headers),
        JSON.stringify(input.raw.query),
        input.raw.rawBody,
      ],
    );
    await enqueueJob(tx, {
      workspaceId: inbox.workspaceId,
      kind: WEBHOOK_JOB,
      payload: { requestId },
      maxAttempts: 8,
    });
  });
  desk.kickJobs();
  return ok({ requestId });
}

/** A provider's URL check (Meta hub.challenge, X CRC), answered by the channel's handshake. */
export async function answerChallenge(
  desk: DeskContext,
  input: { inboxId: string; raw: RawWebhook },
): Promise<Result<HandshakeReply, AppError>> {
  const inbox = await findInboxForWebhook(desk.db, input.inboxId);
  if (!inbox) return err(appError('PSK_INBOX_NOT_FOUND', { field: 'inboxId' }));
  const reply = isRegisteredChannelKind(inbox.channel)
    ? answerHandshake(inbox.channel, input.raw, inbox.config)
    : null;
  return ok(reply ?? { status: 200, contentType: 'text/plain', body: 'ok' });
}

type RequestRow = {
  inbox_id: string;
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  body: Uint8Array;
  processed_at: Date | null;
};

async function deadLetter(
  tx: Tx,
  input: {
    workspaceId: string;
    inboxId: string;
    requestId: string | null;
    reason: string;
    body: string;
    headers: unknown;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO dead_letters (workspace_id, id, inbox_id, webhook_request_id, reason, body, headers) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      input.workspaceId,
      uuidv7(),
      input.inboxId,
      input.requestId,
      input.reason.slice(0, 2000),
      input.body,
      JSON.stringify(input.headers),
    ],
  );
}

export function webhookJob(desk: DeskContext): JobHandler {
  return {
    async run(job) {
      const requestId = String(job.payload.requestId);
      const loaded = await desk.db.inWorkspace(job.workspaceId, async (tx) => {
        const [request] = await tx.query<RequestRow>(
          `SELECT inbox_id, method, url, headers, query, body, processed_at FROM webhook_requests WHERE workspace_id = $1 AND id = $2`,
          [job.workspaceId, requestId],
        );
        const inbox = request
          ? await readInbox(tx, { workspaceId: job.workspaceId, inboxId: request.inbox_id })
          : null;
        return { request, inbox };
      });
      const { request, inbox } = loaded;
      if (!request || !inbox || request.processed_at) return { type: 'done' };
      const adapter = desk.adapters.get(inbox.channel);
      const config = adapter?.config.safeParse(inbox.config);
      if (!adapter || !config?.success)
        return { type: 'retry', reason: `no usable ${inbox.channel} adapter` };
      const raw: RawWebhook = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        query: request.query,
        rawBody: Buffer.from(request.body),
      };
      const body = raw.rawBody.toString('utf8');
      let parsed;
      try {
        parsed = adapter.parse(raw, config.data);
      } catch (error) {
        parsed = null;
        desk.logger.error({ err: error, inboxId: inbox.id }, 'adapter parse threw');
      }
      if (!parsed || parsed.isErr()) {
        const reason = parsed?.isErr() ? parsed.error.reason : 'the adapter failed on this payload';
        await desk.db.inWorkspace(job.workspaceId, async (tx) => {
          await deadLetter(tx, {
            workspaceId: job.workspaceId,
            inboxId: inbox.id,
            requestId,
            reason,
            body,
            headers: raw.headers,
          });
          await markProcessed(tx, job.workspaceId, requestId);
        });
        desk.logger.warn({ inboxId: inbox.id, reason }, 'webhook dead-lettered');
        return { type: 'done' };
      }
      const outcomes = await receiveInbound(desk, { inbox, items: parsed.value });
      await desk.db.inWorkspace(job.workspaceId, async (tx) => {
        for (const o of outcomes)
          if (o.kind === 'rejected')
            await deadLetter(tx, {
              workspaceId: job.workspaceId,
              inboxId: inbox.id,
              requestId,
              reason: o.reason,
              body,
              headers: raw.headers,
            });
        await markProcessed(tx, job.workspaceId, requestId);
      });
      return { type: 'done' };
    },
  };
}

async function markProcessed(tx: Tx, workspaceId: string, requestId: string): Promise<void> {
  await tx.query(`UPDATE webhook_requests SET processed_at = now() WHERE workspace_id = $1 AND id = $2`, [
    workspaceId,
    requestId,
  ]);
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
