// Storing a customer's message, for the receive path, in one statement with what follows from
// it: the conversation touched (reply address, reopened, waiting) and the agents' feed rows —
// at 200 messages a second three round trips become one. The message is stored once per
// provider id: when it was stored already, nothing else is written either.
import type { Inbound } from '../channels/channel-adapter.ts';
import { normalizePersian } from '../core/persian-text.ts';
import type { Tx } from '../db/database.ts';
import { FEED_INSERT, feedJson, feedRowsFrom, type FeedItem } from '../realtime/feed.ts';
import type { DeskSettings } from './desk-settings.ts';
import type { Inbox } from './inboxes.service.ts';
import { CONVERSATION_COLUMNS, type ConversationRow } from './placement.ts';
import type { SenderIdentity } from './sender-identity.ts';
import { startNextResponseClock } from './sla.ts';

type MessageItem = Extract<Inbound, { kind: 'message' }>;

export type CustomerMessage = {
  workspaceId: string;
  messageId: string;
  conversationId: string;
  customerId: string;
  inbox: Inbox;
  item: MessageItem;
  subject: unknown;
};

/** How the message joins its conversation, which decides what its statement also writes. */
export type Joining =
  /** A conversation created in this transaction: its own feed items go with the message's. */
  | { type: 'created'; conversation: ConversationRow; feed: FeedItem[] }
  /**
   * An existing conversation, touched by the customer's message: replies now go where they
   * wrote from, a resolved or snoozed conversation opens again, and when an agent had answered
   * the next-response clock starts.
   */
  | { type: 'touch'; identity: SenderIdentity; now: Date; settings: DeskSettings }
  /** A survey answer: the conversation is read, not touched. */
  | { type: 'read' };

export type Stored =
  | { stored: false; feed: FeedItem[] }
  | {
      stored: true;
      conversation: ConversationRow | null;
      feed: FeedItem[];
    };

const MESSAGE_INSERT = `INSERT INTO messages (workspace_id, id, conversation_id, inbox_id, direction, sender_type,
    sender_id, body, html, subject, attachments, provider_message_id, in_reply_to, status, search_text)
  VALUES ($1, $2, $3, $4, 'inbound', 'customer', $5, $6, $7, $8, $9, $10, $11, 'received', $12)
  ON CONFLICT (workspace_id, inbox_id, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
  RETURNING id`;

/**
 * Stores the message and, in the same statement, its feed items; `messageFeed` makes the
 * message.created item for the conversation's assignee (written with the assignee the
 * statement finds, when it is not known before).
 */
export async function storeCustomerMessage(
  tx: Tx,
  message: CustomerMessage,
  joining: Joining,
  messageFeed: (audience: string | null) => FeedItem,
): Promise<Stored> {
  const { item } = message;
  const params: unknown[] = [
    message.workspaceId,
    message.messageId,
    message.conversationId,
    message.inbox.id,
    message.customerId,
    item.text,
    item.html ?? null,
    typeof message.subject === 'string' ? message.subject : null,
    JSON.stringify(item.attachments.map(({ content: _content, ...meta }) => meta)),
    item.providerMessageId,
    item.inReplyTo ?? null,
    normalizePersian(item.text),
  ];
  if (joining.type === 'created') {
    const own = messageFeed(joining.conversation.assignee_id);
    const feed = [...joining.feed, own];
    // The conversation's items are kept even for a message stored before (as they always were).
    const rows = await tx.query<{ id: string }>(
      `WITH m AS (${MESSAGE_INSERT})
       ${FEED_INSERT} SELECT * FROM (${feedRowsFrom('$13')}) f WHERE f.id <> $14::uuid OR EXISTS (SELECT 1 FROM m)
       RETURNING id`,
      [...params, feedJson(feed), own.id],
      { prepare: true },
    );
    return rows.some((r) => r.id === own.id)
      ? { stored: true, conversation: joining.conversation, feed }
      : { stored: false, feed: joining.feed };
  }
  // The feed row's user is the conversation's assignee as the statement finds it.
  const own = messageFeed(null);
  const conversation =
    joining.type === 'touch'
      ? `b AS (
           SELECT id AS before_id, sla_policy_id AS before_policy, first_response_at AS before_answered,
             waiting_since AS before_waiting
           FROM conversations WHERE workspace_id = $1 AND id = $3 AND EXISTS (SELECT 1 FROM m) FOR UPDATE),
         conv AS (
           UPDATE conversations c SET reply_inbox_id = $4, thread_key = $14, reply_to = coalesce($15, c.reply_to),
             last_customer_message_at = $16, waiting_since = coalesce(c.waiting_since, $16),
             public_post = coalesce($17, c.public_post),
             reopened_count = c.reopened_count + CASE WHEN c.resolved_at IS NOT NULL THEN 1 ELSE 0 END,
             status = 'open', custom_status = CASE WHEN c.status = 'open' THEN c.custom_status END,
             snoozed_until = NULL, resolved_at = NULL, updated_at = now()
           FROM b WHERE c.workspace_id = $1 AND c.id = b.before_id
           RETURNING ${qualified('c')}, b.before_policy, b.before_answered, b.before_waiting)`
      : `conv AS (
           SELECT ${CONVERSATION_COLUMNS}, NULL::uuid AS before_policy, NULL::timestamptz AS before_answered,
             NULL::timestamptz AS before_waiting
           FROM conversations WHERE workspace_id = $1 AND id = $3 AND EXISTS (SELECT 1 FROM m))`;
  const touchParams =
    joining.type === 'touch'
      ? [
          item.threadKey,
          joining.identity.replyTo ? JSON.stringify(joining.identity.replyTo) : null,
          joining.now,
          item.publicPost ? JSON.stringify(item.publicPost) : null,
        ]
      : [];
  const [row] = await tx.query<
    ConversationRow & {
      before_policy: string | null;
      before_answered: Date | null;
      before_waiting: Date | null;
    }
  >(
    `WITH m AS (${MESSAGE_INSERT}),
     ${conversation},
     f AS (${FEED_INSERT} SELECT r.workspace_id, r.id, conv.assignee_id, r.type, r.payload, r.at
           FROM (${feedRowsFrom('$13')}) r CROSS JOIN conv)
     SELECT * FROM conv`,
    [...params, feedJson([own]), ...touchParams],
    { prepare: true },
  );
  if (!row) return { stored: false, feed: [] };
  const { before_policy: policyId, before_answered: answered, before_waiting: waiting, ...after } = row;
  // An agent had answered and the customer writes again: the next-response clock starts.
  if (joining.type === 'touch' && policyId && answered && !waiting)
    await startNextResponseClock(tx, {
      workspaceId: message.workspaceId,
      conversationId: message.conversationId,
      policyId,
      settings: joining.settings,
      at: joining.now,
    });
  return { stored: true, conversation: after, feed: [{ ...own, userId: after.assignee_id }] };
}

const qualified = (alias: string) =>
  CONVERSATION_COLUMNS.split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
