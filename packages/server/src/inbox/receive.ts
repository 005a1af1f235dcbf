// The one inbound path. Every channel's parsed items end here: the sender is resolved to the
// customer profile (through the ingest pipeline, so the message is also on the timeline), the
// message joins the customer's conversation (or starts one, which is routed and given its SLA),
// a replayed provider message id is stored once, and the agents' consoles are told.
import type { Inbound } from '../channels/channel-adapter.ts';
import { normalizePersian } from '../core/persian-text.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Tx } from '../db/database.ts';
import { recordInteraction } from '../ingest/ingest.service.ts';
import { appendFeed } from '../realtime/feed.ts';
import { isOpenAt } from './business-hours.ts';
import { queueOutbound } from './deliver.ts';
import { noEffects, publishEffects, type DeskContext, type Effects } from './desk-context.ts';
import { readDeskSettings, type DeskSettings } from './desk-settings.ts';
import type { Inbox } from './inboxes.service.ts';
import { detectLanguage, routeConversation } from './routing.ts';
import { customerOfSender, senderIdentity } from './sender-identity.ts';
import { applySlaPolicy, startNextResponseClock } from './sla.ts';
import { answerSurvey, recordSurveyAnswer } from './surveys.ts';
import { receiveCall } from './receive-call.ts';

export type ReceiveOutcome =
  | { kind: 'message'; duplicate: true; messageId: string | null; conversationId: string | null }
  | {
      kind: 'message';
      duplicate: false;
      messageId: string;
      conversationId: string;
      customerId: string;
      conversationCreated: boolean;
    }
  | { kind: 'receipt'; updated: boolean }
  | { kind: 'call'; customerId: string | null }
  | { kind: 'rejected'; reason: string };

type MessageItem = Extract<Inbound, { kind: 'message' }>;
type ReceiptItem = Extract<Inbound, { kind: 'receipt' }>;

export async function receiveInbound(
  desk: DeskContext,
  input: { inbox: Inbox; items: Inbound[] },
): Promise<ReceiveOutcome[]> {
  const outcomes: ReceiveOutcome[] = [];
  for (const item of input.items) {
    switch (item.kind) {
      case 'message':
        outcomes.push(await receiveMessage(desk, input.inbox, item));
        break;
      case 'receipt':
        outcomes.push(await receiveReceipt(desk, input.inbox, item));
        break;
      case 'call':
        outcomes.push(await receiveCall(desk, input.inbox, item));
        break;
      default: {
        const never: never = item;
        throw new Error(`unknown inbound item ${JSON.stringify(never)}`);
      }
    }
  }
  return outcomes;
}

type ConversationRow = {
  id: string;
  status: string;
  resolved_at: Date | null;
  assignee_id: string | null;
  team_id: string | null;
  first_response_at: Date | null;
  waiting_since: Date | null;
  sla_policy_id: string | null;
};

const CONVERSATION_COLUMNS =
  'id, status, resolved_at, assignee_id, team_id, first_response_at, waiting_since, sla_policy_id';

/** The conversation a customer's message belongs to: same thread, else their open one, else a recent resolved one. */
async function findConversation(
  tx: Tx,
  input: {
    workspaceId: string;
    customerId: string;
    inboxId: string;
    threadKey: string;
    settings: DeskSettings;
    now: Date;
  },
): Promise<ConversationRow | null> {
  const base = `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE workspace_id = $1 AND customer_id = $2 AND merged_into IS NULL`;
  const [sameThread] = await tx.query<ConversationRow>(
    `${base} AND resolved_at IS NULL AND reply_inbox_id = $3 AND thread_key = $4 ORDER BY updated_at DESC LIMIT 1`,
    [input.workspaceId, input.customerId, input.inboxId, input.threadKey],
  );
  if (sameThread) return sameThread;
  if (input.settings.continueAcrossChannels) {
    const [open] = await tx.query<ConversationRow>(
      `${base} AND resolved_at IS NULL ORDER BY updated_at DESC LIMIT 1`,
      [input.workspaceId, input.customerId],
    );
    if (open) return open;
  }
  const [recent] = await tx.query<ConversationRow>(
    `${base} AND resolved_at > $3::timestamptz - make_interval(hours => $4)
       AND ($5::boolean OR (reply_inbox_id = $6 AND thread_key = $7))
     ORDER BY resolved_at DESC LIMIT 1`,
    [
      input.workspaceId,
      input.customerId,
      input.now,
      input.settings.reopenWindowHours,
      input.settings.continueAcrossChannels,
      input.inboxId,
      input.threadKey,
    ],
  );
  return recent ?? null;
}

async function receiveMessage(desk: DeskContext, inbox: Inbox, item: MessageItem): Promise<ReceiveOutcome> {
  const workspaceId = inbox.workspaceId;
  const [stored] = await desk.db.inWorkspace(workspaceId, (tx) =>
    tx.query<{ id: string; conversation_id: string }>(
      `SELECT id, conversation_id FROM messages WHERE workspace_id = $1 AND inbox_id = $2 AND provider_message_id = $3`,
      [workspaceId, inbox.id, item.providerMessageId],
    ),
  );
  if (stored)
    return { kind: 'message', duplicate: true, messageId: stored.id, conversationId: stored.conversation_id };

  const identity = senderIdentity({ channel: inbox.channel, from: item.from, text: item.text });
  const subject = (item as MessageItem & { subject?: unknown }).subject;
  const recorded = await recordInteraction(desk.ingest, {
    workspaceId,
    channel: inbox.channel,
    event: 'Message Received',
    identifiers: { userId: identity.userId, anonymousId: identity.anonymousId, traits: identity.traits },
    properties: {
      inboxId: inbox.id,
      providerMessageId: item.providerMessageId,
      threadKey: item.threadKey,
      text: item.text.slice(0, 2000),
      attachments: item.attachments.length,
      ...(typeof subject === 'string' ? { subject } : {}),
      ...(item.publicPost ? { publicPost: item.publicPost } : {}),
    },
    messageId: `inbox:${inbox.id}:${item.providerMessageId}`,
    timestamp: item.sentAt,
  });
  if (recorded.isErr()) return { kind: 'rejected', reason: recorded.error.message };
  const effects = noEffects();
  const now = desk.now();
  let surveyAnswer: Awaited<ReturnType<typeof answerSurvey>> = null;
  const outcome = await desk.db.inWorkspace(workspaceId, async (tx): Promise<ReceiveOutcome> => {
    // The event was a repeat (a crash between the two writes): the profile is found by identifier.
    const customerId =
      recorded.value.results[0]?.customerId ?? (await customerOfSender(tx, { workspaceId, identity }));
    if (!customerId) return { kind: 'rejected', reason: 'the sender could not be resolved to a customer' };
    // Messages of one customer are placed one at a time, so two cannot open two conversations.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('conversation:' || $1::text))`, [customerId]);
    const settings = await readDeskSettings(tx, { workspaceId });
    surveyAnswer = await answerSurvey(tx, { workspaceId, customerId, text: item.text, now });
    let conversation = surveyAnswer
      ? { id: surveyAnswer.conversationId, resolved_at: null, status: 'resolved' }
      : await findConversation(tx, {
          workspaceId,
          customerId,
          inboxId: inbox.id,
          threadKey: item.threadKey,
          settings,
          now,
        });
    let created = false;
    if (!conversation) {
      conversation = await createConversation(tx, {
        workspaceId,
        customerId,
        inbox,
        item,
        subject,
        settings,
        now,
        effects,
      });
      created = true;
    }
    const messageId = uuidv7();
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO messages (workspace_id, id, conversation_id, inbox_id, direction, sender_type, sender_id, body, html, subject, attachments,
         provider_message_id, in_reply_to, status, search_text)
       VALUES ($1, $2, $3, $4, 'inbound', 'customer', $5, $6, $7, $8, $9, $10, $11, 'received', $12)
       ON CONFLICT (workspace_id, inbox_id, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING RETURNING id`,
      [
        workspaceId,
        messageId,
        conversation.id,
        inbox.id,
        customerId,
        item.text,
        item.html ?? null,
        typeof subject === 'string' ? subject : null,
        JSON.stringify(item.attachments.map(({ content: _content, ...meta }) => meta)),
        item.providerMessageId,
        item.inReplyTo ?? null,
        normalizePersian(item.text),
      ],
    );
    if (inserted.length === 0)
      return { kind: 'message', duplicate: true, messageId: null, conversationId: conversation.id };
    const updated = surveyAnswer
      ? await readConversation(tx, workspaceId, conversation.id)
      : await touchConversation(tx, {
          workspaceId,
          conversationId: conversation.id,
          inbox,
          item,
          identity,
          now,
          settings,
        });
    const audience = updated?.assignee_id ?? null;
    effects.feed.push(
      await appendFeed(tx, {
        workspaceId,
        userId: audience,
        type: 'message.created',
        payload: {
          conversationId: conversation.id,
          messageId,
          customerId,
          direction: 'inbound',
          senderType: 'customer',
          channel: inbox.channel,
          body: item.text,
          sentAt: item.sentAt.toISOString(),
        },
      }),
    );
    if (created && settings.outOfHoursReply && !isOpenAt(settings, now))
      await queueOutbound(
        tx,
        {
          workspaceId,
          conversationId: conversation.id,
          senderType: 'system',
          senderId: null,
          body: settings.outOfHoursReply,
        },
        effects,
      );
    if (!surveyAnswer)
      effects.inbound.push({
        workspaceId,
        conversationId: conversation.id,
        messageId,
        customerId,
        inboxId: inbox.id,
        channel: inbox.channel,
        text: item.text,
        assigneeId: audience,
        conversationCreated: created,
      });
    return {
      kind: 'message',
      duplicate: false,
      messageId,
      conversationId: conversation.id,
      customerId,
      conversationCreated: created,
    };
  });
  await publishEffects(desk, effects);
  if (surveyAnswer)
    await recordSurveyAnswer(desk, { workspaceId, channel: inbox.channel, identity, answer: surveyAnswer });
  return outcome;
}

async function readConversation(tx: Tx, workspaceId: string, id: string): Promise<ConversationRow | null> {
  const [row] = await tx.query<ConversationRow>(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return row ?? null;
}

async function createConversation(
  tx: Tx,
  input: {
    workspaceId: string;
    customerId: string;
    inbox: Inbox;
    item: MessageItem;
    subject: unknown;
    settings: DeskSettings;
    now: Date;
    effects: Effects;
  },
): Promise<ConversationRow> {
  const { workspaceId, inbox, item } = input;
  const language = detectLanguage(item.text);
  const route = await routeConversation(tx, {
    workspaceId,
    customerId: input.customerId,
    channel: inbox.channel,
    inboxId: inbox.id,
    text: item.text,
    language,
    settings: input.settings,
    now: input.now,
  });
  const id = uuidv7();
  const [row] = await tx.query<ConversationRow>(
    `INSERT INTO conversations (workspace_id, id, customer_id, inbox_id, reply_inbox_id, thread_key, priority, assignee_id, team_id,
       labels, subject, language, public_post, created_at)
     VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${CONVERSATION_COLUMNS}`,
    [
      workspaceId,
      id,
      input.customerId,
      inbox.id,
      item.threadKey,
      route.priority,
      route.assigneeId,
      route.teamId,
      route.labels,
      typeof input.subject === 'string' ? input.subject.slice(0, 500) : null,
      language,
      item.publicPost ? JSON.stringify(item.publicPost) : null,
      input.now,
    ],
  );
  await applySlaPolicy(tx, {
    workspaceId,
    conversationId: id,
    priority: route.priority,
    channel: inbox.channel,
    inboxId: inbox.id,
    tiers: route.tiers,
    settings: input.settings,
    startedAt: input.now,
  });
  const payload = {
    conversationId: id,
    customerId: input.customerId,
    channel: inbox.channel,
    assigneeId: route.assigneeId,
    teamId: route.teamId,
    priority: route.priority,
    routedBy: route.reason,
  };
  input.effects.feed.push(
    await appendFeed(tx, { workspaceId, userId: route.assigneeId, type: 'conversation.created', payload }),
  );
  if (route.assigneeId)
    input.effects.feed.push(
      await appendFeed(tx, { workspaceId, userId: route.assigneeId, type: 'conversation.assigned', payload }),
    );
  return row!;
}

/** The customer wrote: replies now go where they wrote from, and a resolved or snoozed conversation opens again. */
async function touchConversation(
  tx: Tx,
  input: {
    workspaceId: string;
    conversationId: string;
    inbox: Inbox;
    item: MessageItem;
    identity: ReturnType<typeof senderIdentity>;
    now: Date;
    settings: DeskSettings;
  },
): Promise<ConversationRow | null> {
  const [before] = await tx.query<ConversationRow>(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE workspace_id = $1 AND id = $2`,
    [input.workspaceId, input.conversationId],
  );
  const [row] = await tx.query<ConversationRow>(
    `UPDATE conversations SET reply_inbox_id = $3, thread_key = $4, reply_to = coalesce($5, reply_to),
       last_customer_message_at = $6, waiting_since = coalesce(waiting_since, $6),
       public_post = coalesce($7, public_post),
       reopened_count = reopened_count + CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END,
       status = 'open', custom_status = CASE WHEN status = 'open' THEN custom_status END,
       snoozed_until = NULL, resolved_at = NULL, updated_at = now()
     WHERE workspace_id = $1 AND id = $2 RETURNING ${CONVERSATION_COLUMNS}`,
    [
      input.workspaceId,
      input.conversationId,
      input.inbox.id,
      input.item.threadKey,
      input.identity.replyTo ? JSON.stringify(input.identity.replyTo) : null,
      input.now,
      input.item.publicPost ? JSON.stringify(input.item.publicPost) : null,
    ],
  );
  // An agent had answered and the customer writes again: the next-response clock starts.
  if (before?.sla_policy_id && before.first_response_at && !before.waiting_since)
    await startNextResponseClock(tx, {
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      policyId: before.sla_policy_id,
      settings: input.settings,
      at: input.now,
    });
  return row ?? null;
}

const STATUS_RANK: Record<string, number> = {
  queued: 0,
  scheduled: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 4,
};

async function receiveReceipt(desk: DeskContext, inbox: Inbox, item: ReceiptItem): Promise<ReceiveOutcome> {
  const effects = noEffects();
  const updated = await desk.db.inWorkspace(inbox.workspaceId, async (tx) => {
    const [row] = await tx.query<{ id: string; conversation_id: string; status: string }>(
      `SELECT id, conversation_id, status FROM messages WHERE workspace_id = $1 AND inbox_id = $2 AND provider_message_id = $3`,
      [inbox.workspaceId, inbox.id, item.providerMessageId],
    );
    // Receipts arrive out of order: a message only moves forward (a late "delivered" never undoes "read").
    if (!row || (STATUS_RANK[row.status] ?? 0) >= (STATUS_RANK[item.status] ?? 0) || row.status === 'read')
      return false;
    await tx.query(`UPDATE messages SET status = $3, error = $4 WHERE workspace_id = $1 AND id = $2`, [
      inbox.workspaceId,
      row.id,
      item.status,
      item.error ?? null,
    ]);
    const [conversation] = await tx.query<{ assignee_id: string | null }>(
      `SELECT assignee_id FROM conversations WHERE workspace_id = $1 AND id = $2`,
      [inbox.workspaceId, row.conversation_id],
    );
    effects.feed.push(
      await appendFeed(tx, {
        workspaceId: inbox.workspaceId,
        userId: conversation?.assignee_id ?? null,
        type: 'message.status',
        payload: {
          conversationId: row.conversation_id,
          messageId: row.id,
          status: item.status,
          error: item.error ?? null,
        },
      }),
    );
    return true;
  });
  await publishEffects(desk, effects);
  return { kind: 'receipt', updated };
}
