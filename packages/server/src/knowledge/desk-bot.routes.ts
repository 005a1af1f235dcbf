import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf, requireUser, ROLES } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import type { ServiceDesk } from '../inbox/service-desk.ts';
import { renderArticle, suggestArticles } from './article-picker.service.ts';
import { changeBotSettings, describeBotSettings } from './bot-settings.service.ts';
import {
  BotSettingsPatchBody,
  BotSettingsReply,
  ConversationParams,
  RenderParams,
  RenderQuery,
  RenderReply,
  SuggestionsQuery,
  SuggestionsReply,
} from './desk-bot.schema.ts';

export const deskBotRoutes: FastifyPluginAsyncZod<{ hub: Hub; desk: ServiceDesk }> = async (
  app,
  { hub, desk },
) => {
  const readers = requireUser(hub.auth, ROLES.readKnowledge);
  const managers = requireUser(hub.auth, ROLES.manageDesk);
  const tags = ['knowledge'];

  app.get('/api/knowledge/bot/settings', {
    schema: {
      tags,
      summary: 'Where the answer bot answers: every inbox with its setting or its channel default',
      response: { 200: BotSettingsReply },
    },
    preHandler: readers,
    handler: async (request) =>
      describeBotSettings(hub.db, { workspaceId: principalOf(request).workspaceId }),
  });
  app.patch('/api/knowledge/bot/settings', {
    schema: {
      tags,
      summary: 'Turn the answer bot on or off per inbox; set the help-centre link template the bot cites',
      body: BotSettingsPatchBody,
      response: { 200: BotSettingsReply },
    },
    preHandler: managers,
    handler: async (request, reply) => {
      const result = await changeBotSettings(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        patch: request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.get('/api/conversations/:id/suggested-articles', {
    schema: {
      tags,
      summary: "Articles that answer the customer's recent messages, in their language, with a snippet",
      params: ConversationParams,
      querystring: SuggestionsQuery,
      response: { 200: SuggestionsReply },
    },
    preHandler: readers,
    handler: async (request, reply) => {
      const result = await suggestArticles(desk, {
        workspaceId: principalOf(request).workspaceId,
        conversationId: request.params.id,
        limit: request.query.limit,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.get('/api/knowledge/articles/:id/render', {
    schema: {
      tags,
      summary:
        'An article as reply text: the passage that fits the conversation with title and link (format=passage), or title and link only (format=link)',
      params: RenderParams,
      querystring: RenderQuery,
      response: { 200: RenderReply },
    },
    preHandler: readers,
    handler: async (request, reply) => {
      const result = await renderArticle(desk, {
        workspaceId: principalOf(request).workspaceId,
        articleId: request.params.id,
        format: request.query.format,
        ...(request.query.conversationId ? { conversationId: request.query.conversationId } : {}),
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
};
