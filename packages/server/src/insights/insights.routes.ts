import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf, requireUser, ROLES } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import {
  AlsoBoughtBody,
  CustomerRecommendationsQuery,
  RecommendationsReply,
  ClvFitBody,
  ClvFitReply,
  RulesBody,
  RulesReply,
  SentimentBody,
  SentimentReply,
} from './insights.schema.ts';
import { CustomerId } from '../customers/customers.schema.ts';
import { recommendForCustomer, recommendForItems } from './rules/recommendations.service.ts';
import { fitCustomerLifetimeValue, mineOrderRules } from './insights.service.ts';
import { classifyForWorkspace } from './sentiment/workspace-model.service.ts';

export const insightsRoutes: FastifyPluginAsyncZod<{ hub: Hub }> = async (app, { hub }) => {
  const analysts = requireUser(hub.auth, ROLES.readCustomers);
  app.post('/api/insights/clv/fit', {
    schema: {
      tags: ['insights'],
      summary: 'Fit BG/NBD + Gamma-Gamma on the workspace’s Order Completed events and score every customer',
      body: ClvFitBody,
      response: { 200: ClvFitReply },
    },
    preHandler: analysts,
    handler: async (request, reply) => {
      const result = await fitCustomerLifetimeValue(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/insights/rules', {
    schema: {
      tags: ['insights'],
      summary: 'Association rules (arules semantics, FP-growth) over all Order Completed baskets',
      body: RulesBody,
      response: { 200: RulesReply },
    },
    preHandler: analysts,
    handler: async (request) =>
      mineOrderRules(hub.db, { workspaceId: principalOf(request).workspaceId, ...request.body }),
  });
  app.post('/api/insights/also-bought', {
    schema: {
      tags: ['insights'],
      summary:
        'Customers who bought these items also bought… (for templates and carts; rules mined from all orders)',
      body: AlsoBoughtBody,
      response: { 200: RecommendationsReply },
    },
    preHandler: analysts,
    handler: async (request) =>
      recommendForItems(hub.db, { workspaceId: principalOf(request).workspaceId, ...request.body }),
  });
  app.get('/api/customers/:id/recommendations', {
    schema: {
      tags: ['insights'],
      summary: 'What customers who bought what this customer bought also bought',
      params: CustomerId,
      querystring: CustomerRecommendationsQuery,
      response: { 200: RecommendationsReply },
    },
    preHandler: analysts,
    handler: async (request, reply) => {
      const result = await recommendForCustomer(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        customerId: request.params.id,
        ...request.query,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/insights/sentiment', {
    schema: {
      tags: ['insights'],
      summary:
        "Sentiment of Persian and English texts (the workspace's own model when it trained one, else the default trained on SnappFood reviews)",
      body: SentimentBody,
      response: { 200: SentimentReply },
    },
    preHandler: analysts,
    handler: async (request) => {
      const { results } = await classifyForWorkspace(hub, {
        workspaceId: principalOf(request).workspaceId,
        texts: request.body.texts,
      });
      return { results: results.map((r) => ({ label: r.label, score: r.score })) };
    },
  });
};
