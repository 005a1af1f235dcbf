// Processing a stored webhook request: the adapter parses it and the items go down the one
// receive path; what cannot be parsed or received goes to the dead-letter list. The same
// function runs in two places — in the accepting process right after the request committed
// (its job claimed at enqueue), and as the queue's job when that process died or was busy.
import type { RawWebhook } from '../channels/channel-adapter.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Tx } from '../db/database.ts';
import type { JobHandler, JobOutcome } from '../jobs/queue.ts';
import type { DeskContext } from './desk-context.ts';
import { readInbox, type Inbox } from './inboxes.service.ts';
import { receiveInbound } from './receive.ts';

type RequestRow = {
  inbox_id: string;
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  body: Uint8Array;
  processed_at: Date | null;
};

/** Parses one stored request and receives its items; `done` once it is wholly handled. */
export async function processWebhookRequest(
  desk: DeskContext,
  input: { workspaceId: string; requestId: string; inbox: Inbox; raw: RawWebhook },
): Promise<JobOutcome> {
  const { workspaceId, requestId, inbox, raw } = input;
  const adapter = desk.adapters.get(inbox.channel);
  const config = adapter?.config.safeParse(inbox.config);
  if (!adapter || !config?.success) return { type: 'retry', reason: `no usable ${inbox.channel} adapter` };
  let parsed;
  try {
    parsed = adapter.parse(raw, config.data);
  } catch (error) {
    parsed = null;
    desk.logger.error({ err: error, inboxId: inbox.id }, 'adapter parse threw');
  }
  const body = () => raw.rawBody.toString('utf8');
  if (!parsed || parsed.isErr()) {
    const reason = parsed?.isErr() ? parsed.error.reason : 'the adapter failed on this payload';
    await desk.db.inWorkspace(workspaceId, async (tx) => {
      await deadLetter(tx, {
        workspaceId,
        inboxId: inbox.id,
        requestId,
        reason,
        body: body(),
        headers: raw.headers,
      });
      await markProcessed(tx, workspaceId, requestId);
    });
    desk.logger.warn({ inboxId: inbox.id, reason }, 'webhook dead-lettered');
    return { type: 'done' };
  }
  const outcomes = await receiveInbound(desk, { inbox, items: parsed.value });
  const rejected = outcomes.flatMap((o) => (o.kind === 'rejected' ? [o.reason] : []));
  // The request is marked processed with its job's done mark (finishBatch); a request with
  // rejected items is marked here with its dead letters, so a re-run cannot write them twice.
  if (rejected.length > 0)
    await desk.db.inWorkspace(workspaceId, async (tx) => {
      for (const reason of rejected)
        await deadLetter(tx, {
          workspaceId,
          inboxId: inbox.id,
          requestId,
          reason,
          body: body(),
          headers: raw.headers,
        });
      await markProcessed(tx, workspaceId, requestId);
    });
  return { type: 'done' };
}

/** The queue's side: loads the stored request (skipped when already processed) and processes it. */
export function webhookJob(desk: DeskContext): JobHandler {
  return {
    async run(job) {
      const requestId = String(job.payload.requestId);
      const { request, inbox } = await desk.db.inWorkspace(job.workspaceId, async (tx) => {
        const [row] = await tx.query<RequestRow>(
          `SELECT inbox_id, method, url, headers, query, body, processed_at FROM webhook_requests WHERE workspace_id = $1 AND id = $2`,
          [job.workspaceId, requestId],
        );
        const found = row
          ? await readInbox(tx, { workspaceId: job.workspaceId, inboxId: row.inbox_id })
          : null;
        return { request: row, inbox: found };
      });
      if (!request || !inbox || request.processed_at) return { type: 'done' };
      const raw: RawWebhook = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        query: request.query,
        rawBody: Buffer.from(request.body),
      };
      return processWebhookRequest(desk, { workspaceId: job.workspaceId, requestId, inbox, raw });
    },
    async finishBatch(tx, jobs) {
      await tx.query(
        `UPDATE webhook_requests w SET processed_at = coalesce(w.processed_at, now())
         FROM unnest($1::uuid[], $2::uuid[]) AS d(workspace_id, id)
         WHERE w.workspace_id = d.workspace_id AND w.id = d.id`,
        [jobs.map((j) => j.workspaceId), jobs.map((j) => String(j.payload.requestId))],
        { prepare: true },
      );
    },
  };
}

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

async function markProcessed(tx: Tx, workspaceId: string, requestId: string): Promise<void> {
  await tx.query(`UPDATE webhook_requests SET processed_at = now() WHERE workspace_id = $1 AND id = $2`, [
    workspaceId,
    requestId,
  ]);
}
