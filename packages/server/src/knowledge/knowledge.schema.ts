// Request and reply shapes of the knowledge base and the answer bot (the OpenAPI file is made
// from these).
import { z } from 'zod';

export const ARTICLE_LANGUAGES = ['fa', 'en'] as const;
export const ARTICLE_STATUSES = ['draft', 'published'] as const;

const Tag = z.string().trim().min(1).max(60);

export const ArticleBody = z.object({
  title: z.string().trim().min(1).max(300),
  body: z.string().min(1).max(100_000).describe('Markdown'),
  language: z.enum(ARTICLE_LANGUAGES),
  tags: z.array(Tag).max(30).default([]),
  status: z.enum(ARTICLE_STATUSES).default('draft'),
});
export type ArticleBody = z.infer<typeof ArticleBody>;

export const ArticlePatch = z
  .object({
    title: z.string().trim().min(1).max(300),
    body: z.string().min(1).max(100_000),
    language: z.enum(ARTICLE_LANGUAGES),
    tags: z.array(Tag).max(30),
    status: z.enum(ARTICLE_STATUSES),
  })
  .partial()
  .refine(
    (patch) => Object.keys(patch).length > 0,
    'send at least one of title, body, language, tags, status',
  );
export type ArticlePatch = z.infer<typeof ArticlePatch>;

export const ArticleId = z.object({ id: z.string().uuid('must be an article id (UUID)') });

export const Article = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  language: z.enum(ARTICLE_LANGUAGES),
  tags: z.array(z.string()),
  status: z.enum(ARTICLE_STATUSES),
  /** The normalised, stemmed terms search matches, so a writer can see why an article is found. */
  searchText: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Article = z.infer<typeof Article>;

export const ArticleListQuery = z.object({
  status: z.enum(ARTICLE_STATUSES).optional(),
  language: z.enum(ARTICLE_LANGUAGES).optional(),
  tag: z.string().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().uuid('must be the nextCursor of the previous page').optional(),
});
export type ArticleListQuery = z.infer<typeof ArticleListQuery>;

export const ArticleSummary = Article.omit({ body: true, searchText: true });

export const ArticleListReply = z.object({
  articles: z.array(ArticleSummary),
  nextCursor: z.string().nullable(),
});

export const SearchQuery = z.object({
  q: z.string().trim().min(1, 'must not be empty').max(1000),
  language: z.enum(ARTICLE_LANGUAGES).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const SearchHit = z.object({
  articleId: z.string(),
  title: z.string(),
  language: z.enum(ARTICLE_LANGUAGES),
  tags: z.array(z.string()),
  score: z.number(),
  /** Share of the question's terms (weighted by rarity) that the article contains. */
  coverage: z.number(),
  matchedTerms: z.array(z.string()),
  snippet: z.string(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchReply = z.object({ terms: z.array(z.string()), hits: z.array(SearchHit) });

export const ConversationContext = z.object({
  conversationId: z.string().max(100).optional(),
  customerId: z.string().max(100).optional(),
  channel: z.string().max(40).optional(),
  /** Earlier messages of the conversation, oldest first. */
  previousMessages: z
    .array(
      z.object({
        author: z.enum(['customer', 'bot', 'agent']),
        text: z.string().max(4000),
        /** For a bot message: the articles it cited. */
        articleIds: z.array(z.string()).max(10).optional(),
      }),
    )
    .max(50)
    .optional(),
});
export type ConversationContext = z.infer<typeof ConversationContext>;

export const AnswerBody = z.object({
  question: z.string().trim().min(1, 'must not be empty').max(4000),
  language: z.enum(ARTICLE_LANGUAGES).optional(),
  conversationContext: ConversationContext.optional(),
});

export const HANDOVER_REASONS = [
  'empty-knowledge-base',
  'no-match',
  'low-confidence',
  'person-requested',
  'answer-not-helpful',
  'llm-declined',
] as const;
export type HandoverReason = (typeof HANDOVER_REASONS)[number];

export const HandoverSummary = z.object({
  /** One line for the agent taking over. */
  text: z.string(),
  question: z.string(),
  language: z.enum(ARTICLE_LANGUAGES),
  keyTerms: z.array(z.string()),
  sentiment: z.object({ label: z.enum(['positive', 'negative', 'neutral']), score: z.number() }),
  /** The articles the bot found but did not trust enough, for the agent to check first. */
  closestArticles: z.array(z.object({ articleId: z.string(), title: z.string(), confidence: z.number() })),
  previousMessages: z.number().int(),
});
export type HandoverSummary = z.infer<typeof HandoverSummary>;

export const BotReply = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('answer'),
    text: z.string(),
    citations: z.array(z.object({ articleId: z.string(), title: z.string() })),
    confidence: z.number(),
    language: z.enum(ARTICLE_LANGUAGES),
    /** Who wrote the text: the article's passage itself, or the configured LLM from the articles. */
    phrasedBy: z.enum(['retrieval', 'llm']),
  }),
  z.object({
    kind: z.literal('handover'),
    summary: HandoverSummary,
    reason: z.enum(HANDOVER_REASONS),
  }),
]);
export type BotReply = z.infer<typeof BotReply>;
