// The agent's article picker: the articles that best answer what the customer wrote last, and an
// article rendered as reply text (the passage that fits the conversation, title and link) for the
// agent to send as it is or edit first — the same way a canned response is rendered.
import { err, ok, type Result } from 'neverthrow';
import type { AppError } from '../core/errors.ts';
import { listMessages } from '../inbox/conversations.service.ts';
import type { DeskContext } from '../inbox/desk-context.ts';
import { answerWithCitation, articleLink, citationLine } from './article-citation.ts';
import { getArticle } from './articles.service.ts';
import { readBotSettings } from './bot-settings.ts';
import { coverageOf, rankArticles } from './knowledge-search.service.ts';
import { bestPassage } from './passages.ts';
import { detectLanguage, type Language } from './search-terms.ts';
import { withoutLeadingGreeting } from './small-talk.ts';

/** The customer's last few messages say what the conversation is about now. */
const RECENT_CUSTOMER_MESSAGES = 3;

export type SuggestedArticle = {
  articleId: string;
  title: string;
  language: Language;
  tags: string[];
  score: number;
  coverage: number;
  matchedTerms: string[];
  snippet: string;
  link: string | null;
};

async function recentCustomerText(
  desk: DeskContext,
  input: { workspaceId: string; conversationId: string },
): Promise<Result<string, AppError>> {
  const messages = await listMessages(desk, input);
  if (messages.isErr()) return err(messages.error);
  const recent = messages.value
    .filter((m) => m.senderType === 'customer' && !m.private)
    .slice(-RECENT_CUSTOMER_MESSAGES)
    .map((m) => withoutLeadingGreeting(m.body));
  return ok(recent.join('\n'));
}

export async function suggestArticles(
  desk: DeskContext,
  input: { workspaceId: string; conversationId: string; limit: number },
): Promise<Result<{ query: string; language: Language; articles: SuggestedArticle[] }, AppError>> {
  const { workspaceId } = input;
  const text = await recentCustomerText(desk, input);
  if (text.isErr()) return err(text.error);
  const query = text.value;
  // In the customer's language: the agent is going to send it to them.
  const language = detectLanguage(query);
  const { outcome, template } = await desk.db.inWorkspace(workspaceId, async (tx) => ({
    outcome: await rankArticles(tx, { workspaceId, text: query, language, limit: input.limit }),
    template: (await readBotSettings(tx, { workspaceId })).articleUrl,
  }));
  return ok({
    query,
    language,
    articles: outcome.ranked.map((article) => ({
      articleId: article.articleId,
      title: article.title,
      language: article.language,
      tags: article.tags,
      score: Math.round(article.score * 10_000) / 10_000,
      coverage: Math.round(coverageOf({ outcome, matchedTerms: article.matchedTerms }) * 10_000) / 10_000,
      matchedTerms: article.matchedTerms,
      snippet: bestPassage({ body: article.body, idf: outcome.idf, maxLength: 240 }).text,
      link: articleLink(template, {
        id: article.articleId,
        title: article.title,
        language: article.language,
      }),
    })),
  });
}

export type RenderFormat = 'passage' | 'link';

/**
 * Reply text for an article: `passage` — the block that best answers the conversation (the
 * article's opening without a conversation), then the citation; `link` — title and link only.
 */
export async function renderArticle(
  desk: DeskContext,
  input: { workspaceId: string; articleId: string; conversationId?: string; format: RenderFormat },
): Promise<
  Result<
    { articleId: string; title: string; language: Language; link: string | null; text: string },
    AppError
  >
> {
  const { workspaceId } = input;
  const article = await getArticle(desk.db, { workspaceId, articleId: input.articleId });
  if (article.isErr()) return err(article.error);
  const question = input.conversationId
    ? await recentCustomerText(desk, { workspaceId, conversationId: input.conversationId })
    : ok('');
  if (question.isErr()) return err(question.error);
  const { language, title, id } = article.value;
  const { idf, template } = await desk.db.inWorkspace(workspaceId, async (tx) => ({
    idf: question.value
      ? (await rankArticles(tx, { workspaceId, text: question.value, limit: 1 })).idf
      : new Map<string, number>(),
    template: (await readBotSettings(tx, { workspaceId })).articleUrl,
  }));
  const link = articleLink(template, { id, title, language });
  const text =
    input.format === 'link'
      ? citationLine({ title, link, language })
      : answerWithCitation({
          text: bestPassage({ body: article.value.body, idf }).text,
          title,
          link,
          language,
        });
  return ok({ articleId: id, title, language, link, text });
}
