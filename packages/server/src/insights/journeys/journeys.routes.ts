import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf, requireUser, ROLES } from '../../api/auth.ts';
import { sendError } from '../../api/error-handler.ts';
import type { Hub } from '../../api/hub.ts';
import {
  EffectivenessBody,
  EffectivenessReply,
  FunnelBody,
  FunnelReply,
  PathsBody,
  PathsReply,
} from './journeys.schema.ts';
import { analyzeChannelEffectiveness, analyzeChannelPaths, analyzeFunnel } from './journeys.service.ts';

export const journeysRoutes: FastifyPluginAsyncZod<{ hub: Hub }> = async (app, { hub }) => {
  const analysts = requireUser(hub.auth, ROLES.readCustomers);
  app.post('/api/insights/paths', {
    schema: {
      tags: ['insights'],
      summary:
        'Channel paths before a goal (or churn): top paths, Markov transition matrix, first/last/linear/Markov attribution',
      body: PathsBody,
      response: { 200: PathsReply },
    },
    preHandler: analysts,
    handler: async (request, reply) => {
      const result = await analyzeChannelPaths(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/insights/funnels', {
    schema: {
      tags: ['insights'],
      summary: 'Ordered funnel: customers per step, conversion and median time between steps',
      body: FunnelBody,
      response: { 200: FunnelReply },
    },
    preHandler: analysts,
    handler: async (request, reply) => {
      const result = await analyzeFunnel(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/insights/channel-effectiveness', {
    schema: {
      tags: ['insights'],
      summary:
        'Response and conversion rates of outbound touches by channel × segment × lifecycle stage, with Wilson 95% intervals',
      body: EffectivenessBody,
      response: { 200: EffectivenessReply },
    },
    preHandler: analysts,
    handler: async (request, reply) => {
      const result = await analyzeChannelEffectiveness(hub.db, {
        workspaceId: principalOf(request).workspaceId,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
};
