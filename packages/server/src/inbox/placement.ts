// Where a customer's message goes, for the receive path (receive.ts): the conversation it joins
// (same thread, else the customer's open one, else a recent resolved one) or a new routed one
// with its SLA. Each step is one statement: at 200 messages a second every round trip to the
// database counts (docs/benchmarks.md). Storing the message: store-message.ts.
import type { Inbound } from '../channels/channel-adapter.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Tx } from '../db/database.ts';
import { feedItem, type FeedItem } from '../realtime/feed.ts';
import type { DeskSettings } from './desk-settings.ts';
import type { Inbox } from './inboxes.service.ts';
import { detectLanguage, readRoutingFacts, routeConversation } from './routing.ts';
import type { SenderIdentity } from './sender-identity.ts';
import { slaForNewConversation } from './sla.ts';

type MessageItem = Extract<Inbound, { kind: 'message' }>;

export type ConversationRow = {
  id: string;
  status: string;
  resolved_at: Date | null;
  assignee_id: string | null;
  team_id: string | null;
  first_response_at: Date | null;
  waiting_since: Date | null;
  sla_policy_id: string | null;
};

export const CONVERSATION_COLUMNS =
  'id, status, resolved_at, assignee_id, team_id, first_response_at, waiting_since, sla_policy_id';

export type Placement = {
  /** The message was stored before (a provider's replay): nothing more is done. */
  stored: { id: string; conversationId: string } | null;
  conversation: ConversationRow | null;
};

/**
 * Run under the customer's placement lock: whether this provider message is stored already,
 * and the conversation it belongs to — same thread, else (across channels) the customer's open
 * one, else one resolved within the reopen window. One statement: the three look-ups, each as
 * it was on its own (with the index it used), in order of preference.
 */
export async function findPlacement(
  tx: Tx,
  input: {
    workspaceId: string;
    customerId: string;
    inboxId: string;
    threadKey: string;
    providerMessageId: string;
    settings: DeskSettings;
    now: Date;
  },
): Promise<Placement> {
  const mine = `FROM conversations WHERE workspace_id = $1 AND customer_id = $2 AND merged_into IS NULL`;
  const [row] = await tx.query<
    ConversationRow & { stored_id: string | null; stored_conversation_id: string | null; found: boolean }
  >(
    `SELECT s.id AS stored_id, s.conversation_id AS stored_conversation_id, c.id IS NOT NULL AS found,
       ${CONVERSATION_COLUMNS.split(', ')
         .map((column) => `c.${column}`)
         .join(', ')}
     FROM (SELECT 1) AS one
     LEFT JOIN LATERAL (SELECT id, conversation_id FROM messages
                        WHERE workspace_id = $1 AND inbox_id = $3 AND provider_message_id = $5) s ON true
     LEFT JOIN LATERAL (
       SELECT * FROM (
         (SELECT 1 AS preference, ${CONVERSATION_COLUMNS} ${mine}
            AND resolved_at IS NULL AND reply_inbox_id = $3 AND thread_key = $4 ORDER BY updated_at DESC LIMIT 1)
         UNION ALL
         (SELECT 2, ${CONVERSATION_COLUMNS} ${mine}
            AND resolved_at IS NULL AND $6::boolean ORDER BY updated_at DESC LIMIT 1)
         UNION ALL
         (SELECT 3, ${CONVERSATION_COLUMNS} ${mine}
            AND resolved_at > $7::timestamptz - make_interval(hours => $8)
            AND ($6::boolean OR (reply_inbox_id = $3 AND thread_key = $4))
          ORDER BY resolved_at DESC LIMIT 1)
       ) candidates ORDER BY preference LIMIT 1) c ON true`,
    [
      input.workspaceId,
      input.customerId,
      input.inboxId,
      input.threadKey,
      input.providerMessageId,
      input.settings.continueAcrossChannels,
      input.now,
      input.settings.reopenWindowHours,
    ],
    { prepare: true },
  );
  const stored =
    row?.stored_id && row.stored_conversation_id
      ? { id: row.stored_id, conversationId: row.stored_conversation_id }
      : null;
  if (!row?.found) return { stored, conversation: null };
  const { stored_id: _id, stored_conversation_id: _conversation, found: _found, ...conversation } = row;
  return { stored, conversation };
}

/**
 * A new conversation for the customer's first message: routed, with its SLA due times and the
 * customer's reply address written by the insert itself. Its feed items are returned unsaved,
 * so the caller writes them with the message's in one statement.
 */
export async function createConversation(
  tx: Tx,
  input: {
    workspaceId: string;
    customerId: string;
    inbox: Inbox;
    item: MessageItem;
    identity: SenderIdentity;
    subject: unknown;
    settings: DeskSettings;
    now: Date;
  },
): Promise<{ row: ConversationRow; feed: FeedItem[] }> {
  const { workspaceId, inbox, item } = input;
  const language = detectLanguage(item.text);
  const facts = await readRoutingFacts(tx, { workspaceId, customerId: input.customerId });
  const route = await routeConversation(tx, {
    facts,
    workspaceId,
    customerId: input.customerId,
    channel: inbox.channel,
    inboxId: inbox.id,
    text: item.text,
    language,
    settings: input.settings,
    now: input.now,
  });
  const sla = await slaForNewConversation(tx, {
    workspaceId,
    policies: facts.slaPolicies,
    priority: route.priority,
    channel: inbox.channel,
    inboxId: inbox.id,
    tiers: route.tiers,
    settings: input.settings,
    startedAt: input.now,
  });
  const id = uuidv7();
  const [row] = await tx.query<ConversationRow>(
    `INSERT INTO conversations (workspace_id, id, customer_id, inbox_id, reply_inbox_id, thread_key, priority, assignee_id, team_id,
       labels, subject, language, public_post, created_at, reply_to, last_customer_message_at, waiting_since,
       sla_policy_id, sla_first_response_due, sla_resolution_due)
     VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13, $13, $15, $16, $17)
     RETURNING ${CONVERSATION_COLUMNS}`,
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
      input.identity.replyTo ? JSON.stringify(input.identity.replyTo) : null,
      sla?.policyId ?? null,
      sla?.firstResponseDue ?? null,
      sla?.resolutionDue ?? null,
    ],
    { prepare: true },
  );
  const payload = {
    conversationId: id,
    customerId: input.customerId,
    channel: inbox.channel,
    assigneeId: route.assigneeId,
    teamId: route.teamId,
    priority: route.priority,
    routedBy: route.reason,
  };
  const feed = [feedItem({ workspaceId, userId: route.assigneeId, type: 'conversation.created', payload })];
  if (route.assigneeId)
    feed.push(feedItem({ workspaceId, userId: route.assigneeId, type: 'conversation.assigned', payload }));
  return { row: row!, feed };
}
