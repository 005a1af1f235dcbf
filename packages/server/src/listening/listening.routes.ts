import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf, requireUser, ROLES } from '../api/auth.ts';
import type { Hub } from '../api/hub.ts';
import {
  AlertsQuery,
  AlertsReply,
  KeywordsBody,
  KeywordsReply,
  MentionListQuery,
  MentionListReply,
  MentionsBody,
  MentionsReply,
} from './listening.schema.ts';
import { getKeywords, listAlerts, listMentions, receiveMentions, setKeywords } from './listening.service.ts';

export const listeningRoutes: FastifyPluginAsyncZod<{ hub: Hub }> = async (app, { hub }) => {
  const readers = requireUser(hub.auth, ROLES.readListening);
  const managers = requireUser(hub.auth, ROLES.manageListening);
  const tags = ['listening'];

  app.post('/api/listening/mentions', {
    schema: {
      tags,
      summary:
        'A social listening connector sends brand mentions: each becomes a `Brand Mentioned` event with its sentiment; negative spikes raise alerts',
      body: MentionsBody,
      response: { 200: MentionsReply },
    },
    preHandler: managers,
    handler: async (request) =>
      receiveMentions(hub, {
        workspaceId: principalOf(request).workspaceId,
        mentions: request.body.mentions,
      }),
  });
  app.get('/api/listening/mentions', {
    schema: {
      tags,
      summary: 'Stored mentions, newest first',
      querystring: MentionListQuery,
      response: { 200: MentionListReply },
    },
    preHandler: readers,
    handler: async (request) => ({
      mentions: await listMentions(hub, { workspaceId: principalOf(request).workspaceId, ...request.query }),
    }),
  });
  app.get('/api/listening/keywords', {
    schema: { tags, summary: "The workspace's brand keywords", response: { 200: KeywordsReply } },
    preHandler: readers,
    handler: async (request) => getKeywords(hub, { workspaceId: principalOf(request).workspaceId }),
  });
  app.put('/api/listening/keywords', {
    schema: {
      tags,
      summary:
        'Set the brand keywords: a mention must name one (normalised words, Persian or English) to be kept; none set = keep all',
      body: KeywordsBody,
      response: { 200: KeywordsReply },
    },
    preHandler: managers,
    handler: async (request) =>
      setKeywords(hub, { workspaceId: principalOf(request).workspaceId, keywords: request.body.keywords }),
  });
  app.get('/api/listening/alerts', {
    schema: {
      tags,
      summary: 'Spikes of negative mentions above their baseline, latest first',
      querystring: AlertsQuery,
      response: { 200: AlertsReply },
    },
    preHandler: readers,
    handler: async (request) => ({
      alerts: await listAlerts(hub, { workspaceId: principalOf(request).workspaceId, ...request.query }),
    }),
  });
};
