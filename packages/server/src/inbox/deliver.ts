// The send path: an outbound message is stored as queued and its delivery job enqueued in the
// same transaction; the job sends it on the conversation's reply channel. One retry policy for
// every channel, by failure class: transient → backoff and retry, then failed with the reason;
// permanent → failed with the reason; auth → the inbox is disabled and the admins are told.
import type { Outbound } from '../channels/channel-adapter.ts';
import type { Identifier } from '../core/identifiers.ts';
import { uuidv7 } from '../core/ids.ts';
import { normalizePersian } from '../core/persian-text.ts';
import type { Tx } from '../db/database.ts';
import { recordInteraction } from '../ingest/ingest.service.ts';
import { enqueueJob, type Job, type JobHandler, type JobOutcome } from '../jobs/queue.ts';
import { appendFeed } from '../realtime/feed.ts';
import { loadAttachmentFiles } from './attachments.ts';
import { noEffects, publishEffects, type DeskContext, type Effects } from './desk-context.ts';
import { readInbox, setInboxStatus } from './inboxes.service.ts';
import { adminIds, notify } from './notifications.ts';

export const DELIVER_JOB = 'message.deliver';

export type OutboundRequest = {
  workspaceId: string;
  conversationId: string;
  senderType: 'agent' | 'bot' | 'system';
  senderId: string | null;
  body: string;
  html?: string | null;
  /** Send later: the message waits as `scheduled` until then. */
  sendAt?: Date | null;
};

/** Stores the message and enqueues its delivery, in the caller's transaction. */
export async function queueOutbound(
  tx: Tx,
  input: OutboundRequest,
  effects: Effects,
): Promise<{ messageId: string } | null> {
  const [conversation] = await tx.query<{
    reply_inbox_id: string;
    subject: string | null;
    assignee_id: string | null;
  }>(`SELECT reply_inbox_id, subject, assignee_id FROM conversations WHERE workspace_id = $1 AND id = $2`, [
    input.workspaceId,
    input.conversationId,
  ]);
  if (!conversation) return null;
  const id = uuidv7();
  const scheduled = input.sendAt && input.sendAt.getTime() > Date.now();
  await tx.query(
    `INSERT INTO messages (workspace_id, id, conversation_id, inbox_id, direction, sender_type, sender_id, body, html, subject, status, send_at, search_text)
     VALUES ($1, $2, $3, $4, 'outbound', $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      input.workspaceId,
      id,
      input.conversationId,
      conversation.reply_inbox_id,
      input.senderType,
      input.senderId,
      input.body,
      input.html ?? null,
      conversation.subject ? `Re: ${conversation.subject.replace(/^re:\s*/i, '')}` : null,
      scheduled ? 'scheduled' : 'queued',
      scheduled ? input.sendAt : null,
      normalizePersian(input.body),
    ],
  );
  await enqueueJob(tx, {
    workspaceId: input.workspaceId,
    kind: DELIVER_JOB,
    payload: { messageId: id },
    runAt: scheduled ? input.sendAt! : undefined,
    idempotencyKey: `deliver:${id}`,
  });
  effects.jobs++;
  effects.feed.push(
    await appendFeed(tx, {
      workspaceId: input.workspaceId,
      userId: conversation.assignee_id,
      type: 'message.created',
      payload: {
        conversationId: input.conversationId,
        messageId: id,
        direction: 'outbound',
        senderType: input.senderType,
        body: input.body,
        status: scheduled ? 'scheduled' : 'queued',
      },
    }),
  );
  return { messageId: id };
}

type DeliveryRow = {
  id: string;
  conversation_id: string;
  inbox_id: string;
  body: string;
  html: string | null;
  subject: string | null;
  status: string;
  sender_type: string;
  sender_id: string | null;
  thread_key: string;
  reply_to: Identifier | null;
  public_post: Outbound['publicPost'] | null;
  assignee_id: string | null;
  customer_id: string;
  in_reply_to: string | null;
};

async function markFailed(desk: DeskContext, job: Job, reason: string): Promise<void> {
  const effects = noEffects();
  await desk.db.inWorkspace(job.workspaceId, async (tx) => {
    const [row] = await tx.query<{ conversation_id: string; assignee_id: string | null }>(
      `UPDATE messages m SET status = 'failed', error = $3 FROM conversations c
       WHERE m.workspace_id = $1 AND m.id = $2 AND m.status IN ('queued', 'scheduled')
         AND c.workspace_id = m.workspace_id AND c.id = m.conversation_id
       RETURNING m.conversation_id, c.assignee_id`,
      [job.workspaceId, job.payload.messageId, reason],
    );
    if (row)
      effects.feed.push(
        await appendFeed(tx, {
          workspaceId: job.workspaceId,
          userId: row.assignee_id,
          type: 'message.status',
          payload: {
            conversationId: row.conversation_id,
            messageId: job.payload.messageId,
            status: 'failed',
            error: reason,
          },
        }),
      );
  });
  await publishEffects(desk, effects);
}

export function deliveryJob(desk: DeskContext): JobHandler {
  return {
    async run(job): Promise<JobOutcome> {
      const messageId = String(job.payload.messageId);
      const loaded = await desk.db.inWorkspace(job.workspaceId, async (tx) => {
        const [row] = await tx.query<DeliveryRow>(
          `SELECT m.id, m.conversation_id, m.inbox_id, m.body, m.html, m.subject, m.status, m.sender_type, m.sender_id,
             c.thread_key, c.reply_to, c.public_post, c.assignee_id, c.customer_id,
             (SELECT i.provider_message_id FROM messages i WHERE i.workspace_id = m.workspace_id AND i.conversation_id = m.conversation_id
                AND i.direction = 'inbound' AND i.inbox_id = m.inbox_id ORDER BY i.created_at DESC LIMIT 1) AS in_reply_to
           FROM messages m JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
           WHERE m.workspace_id = $1 AND m.id = $2`,
          [job.workspaceId, messageId],
        );
        const inbox = row
          ? await readInbox(tx, { workspaceId: job.workspaceId, inboxId: row.inbox_id })
          : null;
        // The files an agent attached travel with the message (adapters that only link files refuse them).
        const attachments = row
          ? await loadAttachmentFiles(tx, { workspaceId: job.workspaceId, messageId: row.id })
          : [];
        return { row, inbox, attachments };
      });
      const { row, inbox, attachments } = loaded;
      // Already sent (a repeated job) or cancelled: nothing to do, and never twice.
      if (!row || !inbox || (row.status !== 'queued' && row.status !== 'scheduled')) return { type: 'done' };
      if (inbox.status === 'disabled')
        return { type: 'failed', reason: `inbox disabled: ${inbox.disabledReason ?? 'by an admin'}` };
      const adapter = desk.adapters.get(inbox.channel);
      if (!adapter) return { type: 'failed', reason: `no ${inbox.channel} adapter on this hub` };
      const config = adapter.config.safeParse(inbox.config);
      if (!config.success)
        return { type: 'failed', reason: `inbox configuration invalid: ${config.error.issues[0]?.message}` };
      if (!row.reply_to) return { type: 'failed', reason: 'the customer has no address on this channel' };
      const outbound: Outbound = {
        messageId: row.id,
        threadKey: row.thread_key,
        to: row.reply_to,
        text: row.body,
        ...(row.html ? { html: row.html } : {}),
        attachments,
        ...(row.in_reply_to ? { inReplyTo: row.in_reply_to } : {}),
        ...(row.public_post ? { publicPost: row.public_post } : {}),
        ...(row.subject ? { subject: row.subject } : {}),
      };
      let result;
      try {
        result = await adapter.send(outbound, config.data);
      } catch (error) {
        return { type: 'retry', reason: error instanceof Error ? error.message : String(error) };
      }
      if (result.isErr()) {
        const failure = result.error;
        switch (failure.type) {
          case 'transient':
            return { type: 'retry', reason: failure.reason };
          case 'permanent':
            return { type: 'failed', reason: failure.reason };
          case 'auth':
            await disableInbox(desk, {
              workspaceId: job.workspaceId,
              inboxId: inbox.id,
              name: inbox.name,
              reason: failure.reason,
            });
            return { type: 'failed', reason: `provider refused our credentials: ${failure.reason}` };
          default:
            return { type: 'failed', reason: 'unknown failure' };
        }
      }
      await markSent(desk, {
        workspaceId: job.workspaceId,
        row,
        providerMessageId: result.value.providerMessageId,
        channel: inbox.channel,
      });
      return { type: 'done' };
    },
    giveUp: (job, reason) => markFailed(desk, job, reason),
  };
}

async function markSent(
  desk: DeskContext,
  input: { workspaceId: string; row: DeliveryRow; providerMessageId: string; channel: string },
): Promise<void> {
  const { row, workspaceId } = input;
  const effects = noEffects();
  const sentAt = desk.now();
  await desk.db.inWorkspace(workspaceId, async (tx) => {
    await tx.query(
      `UPDATE messages SET status = 'sent', provider_message_id = $3, error = NULL WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, row.id, input.providerMessageId],
    );
    if (row.sender_type === 'agent' || row.sender_type === 'bot')
      await tx.query(
        `UPDATE conversations SET first_response_at = coalesce(first_response_at, $3), last_agent_reply_at = $3,
           waiting_since = NULL, sla_next_response_due = NULL, updated_at = now()
         WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, row.conversation_id, sentAt],
      );
    effects.feed.push(
      await appendFeed(tx, {
        workspaceId,
        userId: row.assignee_id,
        type: 'message.status',
        payload: { conversationId: row.conversation_id, messageId: row.id, status: 'sent' },
      }),
    );
  });
  await publishEffects(desk, effects);
  if (!row.reply_to) return;
  const to = row.reply_to;
  const recorded = await recordInteraction(desk.ingest, {
    workspaceId,
    channel: input.channel,
    event: 'Message Sent',
    identifiers: to.type === 'userId' ? { userId: to.value } : { traits: { [to.type]: to.value } },
    properties: {
      conversationId: row.conversation_id,
      messageId: row.id,
      senderType: row.sender_type,
      agentId: row.sender_id,
      text: row.body.slice(0, 2000),
    },
    messageId: `inbox:${row.inbox_id}:out:${row.id}`,
    timestamp: sentAt,
  });
  if (recorded.isErr())
    desk.logger.warn({ messageId: row.id, error: recorded.error }, 'sent message not on timeline');
}

export async function disableInbox(
  desk: DeskContext,
  input: { workspaceId: string; inboxId: string; name: string; reason: string },
): Promise<void> {
  const effects = noEffects();
  await desk.db.inWorkspace(input.workspaceId, async (tx) => {
    await setInboxStatus(tx, { ...input, status: 'disabled', reason: input.reason });
    for (const userId of await adminIds(tx, input.workspaceId))
      effects.feed.push(
        await notify(tx, {
          workspaceId: input.workspaceId,
          userId,
          kind: 'inbox_disabled',
          body: `Inbox "${input.name}" was disabled: the provider refused its credentials (${input.reason}). Fix its configuration and enable it again.`,
        }),
      );
  });
  desk.logger.warn({ inboxId: input.inboxId, reason: input.reason }, 'inbox disabled after an auth failure');
  await publishEffects(desk, effects);
}
