// The answer bot on the service desk. Through the desk's two hooks it (1) keeps a new chat or
// messenger conversation out of automatic assignment while it handles it, and (2) answers each
// customer message from the knowledge base, citing the article — or hands the conversation to a
// person with a summary note, routes it, and stays quiet there from then on.
//
// The bot answers a message when all hold (docs/knowledge-and-bot.md, "The bot on the desk"):
// the inbox it came in has the bot on and the workspace has published articles; it is a direct
// message, not a public comment; the conversation is not assigned to anyone (a person took it,
// or routing gave it to a key account's manager or by a rule naming an agent); no agent has
// replied in it; the bot has not handed it over.
import {
  applyPatch,
  listMessages,
  readConversation,
  type Conversation,
  type Message,
} from '../inbox/conversations.service.ts';
import { queueOutbound } from '../inbox/deliver.ts';
import {
  noEffects,
  publishEffects,
  type DeskContext,
  type Effects,
  type InboundMessageEvent,
  type NewConversationFacts,
} from '../inbox/desk-context.ts';
import { readDeskSettings } from '../inbox/desk-settings.ts';
import { addNote } from '../inbox/notes.ts';
import { routeConversation } from '../inbox/routing.ts';
import type { Tx } from '../db/database.ts';
import { answerQuestion } from './answer-bot.ts';
import { answerWithCitation, articleLink } from './article-citation.ts';
import {
  botEnabledFor,
  currentBotSettings,
  hasPublishedArticles,
  recentBotSettings,
  type BotSettings,
} from './bot-settings.ts';
import {
  citedArticles,
  readBotState,
  recordBotAnswer,
  recordGreeting,
  recordHandover,
  recordResolution,
  type BotState,
} from './bot-state.ts';
import type { BotReply, ConversationContext } from './knowledge.schema.ts';
import type { LlmSettings } from './llm-phrasing.ts';
import { detectLanguage } from './search-terms.ts';
import { greetingReply, smallTalkOf, withoutLeadingGreeting } from './small-talk.ts';

export type DeskBotOptions = {
  /** The LLM endpoint for phrasing; `undefined` reads PISHKHAN_LLM_*, `null` turns it off. */
  llm?: LlmSettings | null;
};

/** Plugs the bot into the desk (app.ts calls this once, after createServiceDesk). */
export function registerAnswerBot(desk: DeskContext, options: DeskBotOptions = {}): void {
  desk.hooks.holdsNewConversation.push((tx, facts) => botTakesConversations(tx, facts));
  desk.hooks.onInboundMessage.push((event, context) => answerInboundMessage(context, event, options));
}

/** Whether the bot answers in this inbox: on there, a direct message, something to answer from. */
export async function botTakesConversations(tx: Tx, facts: NewConversationFacts): Promise<boolean> {
  if (facts.publicPost) return false;
  const settings = await currentBotSettings(tx, facts);
  return botEnabledFor(settings, facts) && (await hasPublishedArticles(tx, facts));
}

/** Nobody has taken the conversation and the bot has not given it away. */
function stillTheBots(
  conversation: Conversation | null,
  state: BotState | null,
): conversation is Conversation {
  return (
    conversation !== null &&
    conversation.assigneeId === null &&
    conversation.mergedInto === null &&
    state?.state !== 'handed_over'
  );
}

const agentReplied = (messages: readonly Message[]) =>
  messages.some((m) => m.senderType === 'agent' && m.direction === 'outbound');

type Seen = {
  settings: BotSettings;
  conversation: Conversation;
  state: BotState | null;
  cited: Map<string, string[]>;
};

export async function answerInboundMessage(
  desk: DeskContext,
  event: InboundMessageEvent,
  options: DeskBotOptions = {},
): Promise<void> {
  if (event.publicPost) return;
  const { workspaceId, conversationId } = event;
  const facts = { workspaceId, inboxId: event.inboxId, channel: event.channel, publicPost: false };
  // Most inboxes have no bot: known without a transaction while the settings are recent.
  const recent = recentBotSettings(workspaceId);
  if (recent && !botEnabledFor(recent, facts)) return;
  const seen = await desk.db.inWorkspace(workspaceId, async (tx): Promise<Seen | null> => {
    if (!(await botTakesConversations(tx, facts))) return null;
    const conversation = await readConversation(tx, { workspaceId, conversationId });
    const state = await readBotState(tx, { workspaceId, conversationId });
    if (!stillTheBots(conversation, state)) return null;
    const settings = await currentBotSettings(tx, { workspaceId });
    return { settings, conversation, state, cited: await citedArticles(tx, { workspaceId, conversationId }) };
  });
  if (!seen) return;
  const messages = await listMessages(desk, { workspaceId, conversationId });
  if (messages.isErr() || agentReplied(messages.value)) return;

  const talk = smallTalkOf(event.text);
  if (talk === 'thanks') {
    // Thanks after an answer closes the conversation: it counts as deflected by the bot.
    if ((seen.state?.answers ?? 0) > 0)
      await act(desk, event, (tx, effects) => resolve(tx, desk, event, effects));
    return;
  }
  if (talk === 'greeting') {
    if (!seen.state?.greeted)
      await act(desk, event, async (tx, effects) => {
        await queueOutbound(
          tx,
          {
            workspaceId,
            conversationId,
            senderType: 'bot',
            senderId: null,
            body: greetingReply(detectLanguage(event.text)),
          },
          effects,
        );
        await recordGreeting(tx, { workspaceId, conversationId });
      });
    return;
  }

  const reply = await answerQuestion(
    { db: desk.db, logger: desk.logger, ...(options.llm !== undefined ? { llm: options.llm } : {}) },
    {
      workspaceId,
      question: withoutLeadingGreeting(event.text),
      conversationContext: {
        conversationId,
        customerId: event.customerId,
        channel: event.channel,
        previousMessages: earlierMessages(messages.value, event.messageId, seen.cited),
      },
    },
  );
  await act(desk, event, (tx, effects) =>
    reply.kind === 'answer'
      ? sendAnswer(tx, { event, reply, settings: seen.settings, effects })
      : handOver(tx, desk, { event, reply, effects }),
  );
}

/**
 * Runs the bot's change in one transaction, one conversation at a time, after checking again that
 * the conversation is still the bot's (an agent may have taken it while retrieval ran).
 */
async function act(
  desk: DeskContext,
  event: InboundMessageEvent,
  change: (tx: Tx, effects: Effects) => Promise<void>,
): Promise<void> {
  const { workspaceId, conversationId } = event;
  const effects = noEffects();
  await desk.db.inWorkspace(workspaceId, async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('answer-bot:' || $1::text))`, [conversationId]);
    const conversation = await readConversation(tx, { workspaceId, conversationId });
    const state = await readBotState(tx, { workspaceId, conversationId });
    if (stillTheBots(conversation, state)) await change(tx, effects);
  });
  await publishEffects(desk, effects);
}

/** The conversation before this message, as the answer bot reads it (notes and system messages aside). */
function earlierMessages(
  messages: readonly Message[],
  currentId: string,
  cited: ReadonlyMap<string, string[]>,
): NonNullable<ConversationContext['previousMessages']> {
  type Previous = NonNullable<ConversationContext['previousMessages']>[number];
  const until = messages.findIndex((m) => m.id === currentId);
  return (until === -1 ? messages : messages.slice(0, until))
    .flatMap((m): Previous[] => {
      const text = m.body.slice(0, 4000);
      if (m.private) return [];
      if (m.senderType === 'customer') return [{ author: 'customer', text }];
      if (m.senderType === 'agent') return [{ author: 'agent', text }];
      if (m.senderType === 'bot') return [{ author: 'bot', text, articleIds: cited.get(m.id) ?? [] }];
      return [];
    })
    .slice(-20);
}

async function sendAnswer(
  tx: Tx,
  input: {
    event: InboundMessageEvent;
    reply: Extract<BotReply, { kind: 'answer' }>;
    settings: BotSettings;
    effects: Effects;
  },
): Promise<void> {
  const { event, reply } = input;
  const { workspaceId, conversationId } = event;
  const [citation] = reply.citations;
  if (!citation) return;
  const link = articleLink(input.settings.articleUrl, {
    id: citation.articleId,
    title: citation.title,
    language: reply.language,
  });
  const queued = await queueOutbound(
    tx,
    {
      workspaceId,
      conversationId,
      senderType: 'bot',
      senderId: null,
      body: answerWithCitation({ text: reply.text, title: citation.title, link, language: reply.language }),
    },
    input.effects,
  );
  if (queued)
    await recordBotAnswer(tx, {
      workspaceId,
      conversationId,
      messageId: queued.messageId,
      articleId: citation.articleId,
      confidence: reply.confidence,
    });
}

/** The note, the bot's state, then routing picks a person (the desk's rules, hours and capacity). */
async function handOver(
  tx: Tx,
  desk: DeskContext,
  input: { event: InboundMessageEvent; reply: Extract<BotReply, { kind: 'handover' }>; effects: Effects },
): Promise<void> {
  const { event, reply, effects } = input;
  const { workspaceId, conversationId } = event;
  await recordHandover(tx, { workspaceId, conversationId, reason: reply.reason, summary: reply.summary });
  await addNote(tx, { workspaceId, conversationId, author: null, body: handoverNote(reply) }, effects);
  const conversation = await readConversation(tx, { workspaceId, conversationId });
  if (!conversation || conversation.assigneeId) return;
  const route = await routeConversation(tx, {
    workspaceId,
    customerId: conversation.customerId,
    channel: event.channel,
    inboxId: conversation.inboxId,
    text: event.text,
    language: conversation.language ?? reply.summary.language,
    settings: await readDeskSettings(tx, { workspaceId }),
    now: desk.now(),
  });
  const patch = {
    ...(route.assigneeId ? { assigneeId: route.assigneeId } : {}),
    ...(route.teamId && !conversation.teamId ? { teamId: route.teamId } : {}),
  };
  if (Object.keys(patch).length > 0)
    await applyPatch(tx, desk, { workspaceId, conversationId, userId: null, patch }, effects);
}

async function resolve(
  tx: Tx,
  desk: DeskContext,
  event: InboundMessageEvent,
  effects: Effects,
): Promise<void> {
  const { workspaceId, conversationId } = event;
  await applyPatch(
    tx,
    desk,
    { workspaceId, conversationId, userId: null, patch: { status: 'resolved' } },
    effects,
  );
  await recordResolution(tx, { workspaceId, conversationId });
}

const REASONS: Record<Extract<BotReply, { kind: 'handover' }>['reason'], { fa: string; en: string }> = {
  'empty-knowledge-base': { fa: 'پایگاه دانش خالی است', en: 'the knowledge base is empty' },
  'no-match': { fa: 'مقاله‌ای پیدا نشد', en: 'no article matched' },
  'low-confidence': { fa: 'به پاسخ مطمئن نبود', en: 'not confident in an answer' },
  'person-requested': { fa: 'مشتری کارشناس خواست', en: 'the customer asked for a person' },
  'answer-not-helpful': { fa: 'پاسخ قبلی کمکی نکرد', en: 'the previous answer did not help' },
  'llm-declined': { fa: 'مدل زبانی پاسخ نداد', en: 'the language model declined' },
};

/** The note the agent reads first: why, the one-line summary, the articles it nearly used. */
export function handoverNote(reply: Extract<BotReply, { kind: 'handover' }>): string {
  const { summary } = reply;
  const fa = summary.language === 'fa';
  // A customer's "@name@example.com" must not @mention (notify) a user from the note.
  const text = summary.text.replace(/@/g, '＠');
  const closest = summary.closestArticles.map((a) => `${a.title} (${a.confidence})`).join(fa ? '، ' : ', ');
  const reason = REASONS[reply.reason][fa ? 'fa' : 'en'];
  return [
    fa ? `ربات پاسخگو گفتگو را به کارشناس سپرد — ${reason}.` : `Answer bot handed over — ${reason}.`,
    text,
    ...(closest ? [fa ? `نزدیک‌ترین مقاله‌ها: ${closest}` : `Closest articles: ${closest}`] : []),
  ].join('\n');
}
