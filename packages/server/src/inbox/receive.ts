// The one inbound path. Every channel's parsed items end here: the sender is resolved to the
// customer profile (through the ingest pipeline, so the message is also on the timeline), the
// message joins the customer's conversation (or starts one, which is routed and given its SLA),
// a replayed provider message id is stored once, and the agents' consoles are told.
import type { Inbound } from '../channels/channel-adapter.ts';
import { uuidv7 } from '../core/ids.ts';
import { LOCK_FOR_TRANSACTION } from '../db/database.ts';
import { recordInteraction } from '../ingest/ingest.service.ts';
import { appendFeed, feedItem } from '../realtime/feed.ts';
import { storeAttachmentFiles } from './attachments.ts';
import { isOpenAt } from './business-hours.ts';
import { queueOutbound } from './deliver.ts';
import { messageSentiment } from '../insights/sentiment/workspace-model.service.ts';
import { conversationHeld, noEffects, publishEffects, type DeskContext } from './desk-context.ts';
import { currentDeskSettings, placementLock } from './desk-settings.ts';
import type { Inbox } from './inboxes.service.ts';
import { createConversation, findPlacement } from './placement.ts';
import { storeCustomerMessage } from './store-message.ts';
import { customerOfSender, senderIdentity } from './sender-identity.ts';
import { answerSurvey, recordSurveyAnswer } from './surveys.ts';
import { receiveCall } from './receive-call.ts';
import { withStorableText } from '../core/storable-text.ts';

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
  for (const item of input.items.map(withStorableText)) {
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

async function receiveMessage(desk: DeskContext, inbox: Inbox, item: MessageItem): Promise<ReceiveOutcome> {
  const workspaceId = inbox.workspaceId;
  // A replay is recognised in the placing transaction (findPlacement), not in one of its own:
  // ingest drops its event as a repeat, and its message is not stored twice.
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
      // The workspace's sentiment model is cached in memory: no query per message (docs/sentiment.md).
      ...(await messageSentiment(desk, { workspaceId, text: item.text })),
    },
    messageId: `inbox:${inbox.id}:${item.providerMessageId}`,
    timestamp: item.sentAt,
  });
  if (recorded.isErr()) return { kind: 'rejected', reason: recorded.error.message };
  const effects = noEffects();
  const now = desk.now();
  let surveyAnswer: Awaited<ReturnType<typeof answerSurvey>> = null;
  // Messages of one customer are placed one at a time, so two cannot open two conversations: the
  // lock is taken as the transaction opens, with the customer the event resolved to.
  const resolved = recorded.value.results[0]?.customerId ?? null;
  const outcome = await desk.db.inWorkspace(
    workspaceId,
    async (tx): Promise<ReceiveOutcome> => {
      // The event was a repeat (a crash between the two writes): the profile is found by identifier.
      const customerId = resolved ?? (await customerOfSender(tx, { workspaceId, identity }));
      if (!customerId) return { kind: 'rejected', reason: 'the sender could not be resolved to a customer' };
      if (!resolved) await tx.query(LOCK_FOR_TRANSACTION, [placementLock(customerId)]);
      const settings = await currentDeskSettings(tx, { workspaceId });
      const placement = await findPlacement(tx, {
        workspaceId,
        customerId,
        inboxId: inbox.id,
        threadKey: item.threadKey,
        providerMessageId: item.providerMessageId,
        settings,
        now,
      });
      if (placement.stored)
        return {
          kind: 'message',
          duplicate: true,
          messageId: placement.stored.id,
          conversationId: placement.stored.conversationId,
        };
      surveyAnswer = await answerSurvey(tx, { workspaceId, customerId, text: item.text, now });
      let conversation = surveyAnswer
        ? { id: surveyAnswer.conversationId, resolved_at: null, status: 'resolved' }
        : placement.conversation;
      let created: Awaited<ReturnType<typeof createConversation>> | null = null;
      if (!conversation) {
        created = await createConversation(tx, {
          workspaceId,
          customerId,
          inbox,
          item,
          identity,
          subject,
          // The answer bot may take a new conversation first: routing then assigns no one yet.
          settings: (await conversationHeld(desk, tx, {
            workspaceId,
            inboxId: inbox.id,
            channel: inbox.channel,
            publicPost: item.publicPost !== undefined,
          }))
            ? { ...settings, autoAssign: false }
            : settings,
          now,
        });
        conversation = created.row;
      }
      const messageId = uuidv7();
      // The message, the conversation touched and the feed rows: one statement (store-message.ts).
      const stored = await storeCustomerMessage(
        tx,
        { workspaceId, messageId, conversationId: conversation.id, customerId, inbox, item, subject },
        created
          ? { type: 'created', conversation: created.row, feed: created.feed }
          : surveyAnswer
            ? { type: 'read' }
            : { type: 'touch', identity, now, settings },
        (audience) =>
          feedItem({
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
      effects.feed.push(...stored.feed);
      if (!stored.stored)
        return { kind: 'message', duplicate: true, messageId: null, conversationId: conversation.id };
      // The files' bytes (mail attachments) are kept beside the message, downloadable by position.
      await storeAttachmentFiles(tx, { workspaceId, messageId, attachments: item.attachments });
      const audience = stored.conversation?.assignee_id ?? null;
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
          conversationCreated: created !== null,
          from: item.from,
          sentAt: item.sentAt,
          ...(item.publicPost ? { publicPost: item.publicPost } : {}),
        });
      return {
        kind: 'message',
        duplicate: false,
        messageId,
        conversationId: conversation.id,
        customerId,
        conversationCreated: created !== null,
      };
    },
    resolved ? { lock: placementLock(resolved) } : {},
  );
  await publishEffects(desk, effects);
  if (surveyAnswer)
    await recordSurveyAnswer(desk, { workspaceId, channel: inbox.channel, identity, answer: surveyAnswer });
  return outcome;
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
    // Locked: receipts of one message processed at once (each webhook runs as it arrives) see
    // each other's status instead of the last writer winning.
    const [row] = await tx.query<{ id: string; conversation_id: string; status: string }>(
      `SELECT id, conversation_id, status FROM messages WHERE workspace_id = $1 AND inbox_id = $2 AND provider_message_id = $3
       FOR UPDATE`,
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
