// The answer bot: answers a customer's question from the best-matching published article when
// retrieval is confident, cites it, and otherwise hands the conversation to a person with a
// summary of what was asked. An OpenAI-compatible endpoint, when configured, only rephrases an
// answer retrieval already chose (docs/knowledge-and-bot.md).
import type { Database } from '../db/database.ts';
import type { Logger } from '../core/logger.ts';
import { classifySentiment, type SentimentModel } from '../insights/sentiment/sentiment.service.ts';
import { sentimentModelFor } from '../insights/sentiment/workspace-model.service.ts';
import type { BotReply, ConversationContext, HandoverReason, HandoverSummary } from './knowledge.schema.ts';
import { coverageOf, rankArticles, type SearchOutcome } from './knowledge-search.service.ts';
import { llmSettingsFromEnvironment, phraseAnswer, type LlmSettings } from './llm-phrasing.ts';
import { bestPassage } from './passages.ts';
import { detectLanguage, distinctTerms, type Language } from './search-terms.ts';

/**
 * The bot answers when confidence reaches this. Confidence = coverage × distinctness (see
 * `confidenceOf`); the value was chosen on the calibration half of the labelled questions
 * (fixtures/labelled-questions.json) as the one with the most right answers while a wrong answer
 * costs five missed ones, and is reported on the other half too (answer-bot.int.test.ts).
 */
export const ANSWER_THRESHOLD = 0.55;

/** The top article must lead the runner-up by this share of its score to be fully distinct. */
export const DISTINCT_LEAD = 0.25;

const CANDIDATES = 5;

export type BotDeps = {
  db: Database;
  logger?: Logger;
  /** The LLM endpoint; `undefined` reads PISHKHAN_LLM_* from the environment, `null` turns it off. */
  llm?: LlmSettings | null;
};

export type AnswerQuestionInput = {
  workspaceId: string;
  question: string;
  language?: Language;
  conversationContext?: ConversationContext;
};

export type Confidence = { confidence: number; coverage: number; distinctness: number };

/**
 * How sure retrieval is that the top article answers: the share of the question's term weight
 * it covers, times how clearly it beats the runner-up (two articles tied on the same few words,
 * as for "where is my order?", mean the question does not say which one it is about).
 */
export function confidenceOf(outcome: SearchOutcome): Confidence {
  const [top, second] = outcome.ranked;
  if (!top) return { confidence: 0, coverage: 0, distinctness: 0 };
  const coverage = coverageOf({ outcome, matchedTerms: top.matchedTerms });
  const lead = second && top.score > 0 ? 1 - second.score / top.score : 1;
  const distinctness = Math.min(1, Math.max(0, lead / DISTINCT_LEAD));
  return { confidence: coverage * distinctness, coverage, distinctness };
}

// Asking for a person is honoured before anything else (stemmed terms, as search sees them).
const PERSON_TERMS = new Set([
  'human',
  'person',
  'operator',
  'representative',
  'agent',
  'someone',
  'اپراتور',
  'کارشناس',
  'انسان',
  'آدم',
]);
const PERSON_VERBS = new Set(['speak', 'talk', 'connect', 'transfer', 'صحبت', 'وصل', 'حرف', 'تماس']);

export function asksForPerson(question: string): boolean {
  const terms = new Set(distinctTerms(question));
  const person = [...terms].some((t) => PERSON_TERMS.has(t));
  const verb = [...terms].some((t) => PERSON_VERBS.has(t));
  // "agent" alone may be a topic ("user agent"); with a verb of talking it is a request.
  return person && (verb || terms.size <= 2);
}

let cachedEnvironmentLlm: LlmSettings | null | undefined;

function llmOf(deps: BotDeps): LlmSettings | null {
  if (deps.llm !== undefined) return deps.llm;
  cachedEnvironmentLlm ??= llmSettingsFromEnvironment();
  return cachedEnvironmentLlm;
}

/** The one function the service desk calls with a customer's message. */
export async function answerQuestion(deps: BotDeps, input: AnswerQuestionInput): Promise<BotReply> {
  const { workspaceId, question } = input;
  const language = input.language ?? detectLanguage(question);
  const previous = input.conversationContext?.previousMessages ?? [];
  // The mood comes from the workspace's own sentiment model when it trained one (cached in memory).
  const handover = async (reason: HandoverReason, outcome: SearchOutcome | null): Promise<BotReply> => ({
    kind: 'handover',
    reason,
    summary: summarise({
      question,
      language,
      outcome,
      previousMessages: previous.length,
      model: (await sentimentModelFor(deps, { workspaceId })).model,
    }),
  });

  if (asksForPerson(question)) return handover('person-requested', null);

  let outcome = await deps.db.inWorkspace(workspaceId, (tx) =>
    rankArticles(tx, { workspaceId, text: question, language, limit: CANDIDATES }),
  );
  if (outcome.corpusSize === 0) return handover('empty-knowledge-base', outcome);
  let confidence = confidenceOf(outcome);
  // A short follow-up ("and how long does it take?") leans on the customer's previous message.
  const lastCustomerMessage = previous.filter((m) => m.author === 'customer').at(-1);
  if (confidence.confidence < ANSWER_THRESHOLD && lastCustomerMessage) {
    const withContext = await deps.db.inWorkspace(workspaceId, (tx) =>
      rankArticles(tx, {
        workspaceId,
        text: `${lastCustomerMessage.text}\n${question}`,
        language,
        limit: CANDIDATES,
      }),
    );
    const contextual = confidenceOf(withContext);
    if (contextual.confidence > confidence.confidence) {
      outcome = withContext;
      confidence = contextual;
    }
  }
  const top = outcome.ranked[0];
  if (!top) return handover('no-match', outcome);
  if (confidence.confidence < ANSWER_THRESHOLD) return handover('low-confidence', outcome);
  // The customer asks again after the bot cited this very article: it did not help.
  const lastBot = previous.filter((m) => m.author === 'bot').at(-1);
  if (lastBot?.articleIds?.includes(top.articleId)) return handover('answer-not-helpful', outcome);

  const citations = [{ articleId: top.articleId, title: top.title }];
  const rounded = Math.round(confidence.confidence * 1000) / 1000;
  const llm = llmOf(deps);
  if (llm) {
    const phrased = await phraseAnswer({ settings: llm, question, language, articles: [top] });
    if (phrased.isOk()) {
      if (phrased.value === null) return handover('llm-declined', outcome);
      return {
        kind: 'answer',
        text: phrased.value,
        citations,
        confidence: rounded,
        language,
        phrasedBy: 'llm',
      };
    }
    deps.logger?.warn({ error: phrased.error.message }, 'LLM endpoint failed; answering by retrieval');
  }
  const passage = bestPassage({ body: top.body, idf: outcome.idf });
  return {
    kind: 'answer',
    text: passage.text,
    citations,
    confidence: rounded,
    language,
    phrasedBy: 'retrieval',
  };
}

function summarise(input: {
  question: string;
  language: Language;
  outcome: SearchOutcome | null;
  previousMessages: number;
  model: SentimentModel;
}): HandoverSummary {
  const { question, language, outcome, previousMessages } = input;
  const [sentiment] = classifySentiment({ model: input.model, texts: [question] });
  // Rarest first: the words that say what this question is about.
  const keyTerms = (outcome?.terms ?? distinctTerms(question))
    .map((term) => ({ term, idf: outcome?.idf.get(term) ?? 0 }))
    .sort((a, b) => b.idf - a.idf)
    .slice(0, 8)
    .map((t) => t.term);
  const closestArticles = (outcome?.ranked ?? []).slice(0, 3).map((article) => ({
    articleId: article.articleId,
    title: article.title,
    confidence:
      Math.round(coverageOf({ outcome: outcome!, matchedTerms: article.matchedTerms }) * 1000) / 1000,
  }));
  const mood = sentiment?.label ?? 'neutral';
  const text =
    language === 'fa'
      ? `پرسش مشتری (${mood === 'negative' ? 'ناراضی' : mood === 'positive' ? 'راضی' : 'خنثی'}): «${clip(question)}» — واژه‌های کلیدی: ${keyTerms.join('، ') || '—'}`
      : `Customer asked (${mood}): "${clip(question)}" — key terms: ${keyTerms.join(', ') || '—'}`;
  return {
    text,
    question,
    language,
    keyTerms,
    sentiment: { label: mood, score: Math.round((sentiment?.score ?? 0) * 1000) / 1000 },
    closestArticles,
    previousMessages,
  };
}

const clip = (text: string) => (text.length > 160 ? `${text.slice(0, 159)}…` : text);
