// Request and reply shapes of the bot's settings and the agents' article picker.
import { z } from 'zod';
import { ARTICLE_LANGUAGES } from './knowledge.schema.ts';
import { ArticleUrlTemplate } from './bot-settings.ts';

export const BotSettingsReply = z.object({
  articleUrl: z.string().nullable(),
  knowledgeBaseReady: z.boolean(),
  channelDefaults: z.record(z.string(), z.boolean()),
  inboxes: z.array(
    z.object({
      inboxId: z.string(),
      name: z.string(),
      channel: z.string(),
      enabled: z.boolean(),
      setBy: z.enum(['inbox', 'channel-default']),
    }),
  ),
});

export const BotSettingsPatchBody = z
  .object({
    articleUrl: ArticleUrlTemplate.nullable().optional(),
    inboxes: z
      .record(z.string().uuid('must be an inbox id'), z.boolean().nullable())
      .optional()
      .describe("true/false turns the bot on/off in that inbox; null goes back to the channel's default"),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'send articleUrl or inboxes');

export const ConversationParams = z.object({ id: z.string().uuid('must be a conversation id (UUID)') });

export const SuggestionsQuery = z.object({ limit: z.coerce.number().int().min(1).max(20).default(5) });

export const SuggestionsReply = z.object({
  /** The customer's recent messages the articles were ranked for. */
  query: z.string(),
  language: z.enum(ARTICLE_LANGUAGES),
  articles: z.array(
    z.object({
      articleId: z.string(),
      title: z.string(),
      language: z.enum(ARTICLE_LANGUAGES),
      tags: z.array(z.string()),
      score: z.number(),
      coverage: z.number(),
      matchedTerms: z.array(z.string()),
      snippet: z.string(),
      link: z.string().nullable(),
    }),
  ),
});

export const RenderParams = z.object({ id: z.string().uuid('must be an article id (UUID)') });

export const RenderQuery = z.object({
  conversationId: z.string().uuid('must be a conversation id (UUID)').optional(),
  format: z.enum(['passage', 'link']).default('passage'),
});

export const RenderReply = z.object({
  articleId: z.string(),
  title: z.string(),
  language: z.enum(ARTICLE_LANGUAGES),
  link: z.string().nullable(),
  /** Ready to send (POST /api/conversations/:id/messages) or to edit first. */
  text: z.string(),
});
