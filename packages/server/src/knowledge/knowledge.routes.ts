import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireUser, ROLES } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import { answerQuestion } from './answer-bot.ts';
import { createArticle, deleteArticle, getArticle, listArticles, updateArticle } from './articles.service.ts';
import { searchArticles } from './knowledge-search.service.ts';
import {
  AnswerBody,
  Article,
  ArticleBody,
  ArticleId,
  ArticleListQuery,
  ArticleListReply,
  ArticlePatch,
  BotReply,
  SearchQuery,
  SearchReply,
} from './knowledge.schema.ts';
import { llmSettingsFromEnvironment, type LlmSettings } from './llm-phrasing.ts';

export const knowledgeRoutes: FastifyPluginAsyncZod<{ hub: Hub; llm?: LlmSettings | null }> = async (
  app,
  options,
) => {
  const { hub } = options;
  const llm = options.llm === undefined ? llmSettingsFromEnvironment() : options.llm;
  const readers = requireUser(hub.auth, ROLES.readKnowledge);
  const writers = requireUser(hub.auth, ROLES.manageKnowledge);
  const tags = ['knowledge'];

  app.post('/api/knowledge/articles', {
    schema: {
      tags,
      summary: 'Write an article (markdown, Persian or English); search indexes it at once',
      body: ArticleBody,
      response: { 201: Article },
    },
    preHandler: writers,
    handler: async (request, reply) => {
      const article = await createArticle(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        article: request.body,
      });
      return reply.code(201).send(article);
    },
  });
  app.get('/api/knowledge/articles', {
    schema: {
      tags,
      summary: 'Articles, newest first, by status, language or tag',
      querystring: ArticleListQuery,
      response: { 200: ArticleListReply },
    },
    preHandler: readers,
    handler: async (request) =>
      listArticles(hub.db, { workspaceId: principalOf(request).workspaceId, ...request.query }),
  });
  app.get('/api/knowledge/articles/:id', {
    schema: { tags, summary: 'One article', params: ArticleId, response: { 200: Article } },
    preHandler: readers,
    handler: async (request, reply) => {
      const result = await getArticle(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        articleId: request.params.id,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.patch('/api/knowledge/articles/:id', {
    schema: {
      tags,
      summary: 'Change an article (any of title, body, language, tags, status)',
      params: ArticleId,
      body: ArticlePatch,
      response: { 200: Article },
    },
    preHandler: writers,
    handler: async (request, reply) => {
      const result = await updateArticle(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        articleId: request.params.id,
        patch: request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.delete('/api/knowledge/articles/:id', {
    schema: {
      tags,
      summary: 'Delete an article',
      params: ArticleId,
      response: { 204: z.null().describe('Deleted') },
    },
    preHandler: writers,
    handler: async (request, reply) => {
      const result = await deleteArticle(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        articleId: request.params.id,
      });
      return result.isErr() ? sendError(reply, result.error) : reply.code(204).send(null);
    },
  });
  app.get('/api/knowledge/search', {
    schema: {
      tags,
      summary: 'Full-text search of published articles (BM25; Persian normalisation and light stemming)',
      querystring: SearchQuery,
      response: { 200: SearchReply },
    },
    preHandler: readers,
    handler: async (request) =>
      searchArticles(hub.db, { workspaceId: principalOf(request).workspaceId, ...request.query }),
  });
  app.post('/api/knowledge/answer', {
    schema: {
      tags,
      summary: 'The answer bot: an answer citing an article when confident, else a hand-over with a summary',
      body: AnswerBody,
      response: { 200: BotReply },
    },
    preHandler: readers,
    handler: async (request) =>
      answerQuestion(
        { db: hub.db, logger: hub.logger, llm },
        { workspaceId: principalOf(request).workspaceId, ...request.body },
      ),
  });
};
