// Builds the hub's HTTP application; it does not listen (main.ts does, tests use inject()).
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from './api/hub.ts';
import { createHttpApp, createHub } from './api/http-app.ts';
import type { Logger } from './core/logger.ts';
import { customerRoutes } from './customers/customers.routes.ts';
import type { Database } from './db/database.ts';
import { startStatisticsSweep, type StatisticsSweep } from './db/table-statistics.ts';
import { identityRoutes } from './identity/identity.routes.ts';
import { importRoutes } from './imports/imports.routes.ts';
import { insightsRoutes } from './insights/insights.routes.ts';
import { journeysRoutes } from './insights/journeys/journeys.routes.ts';
import { retentionRoutes } from './insights/retention.routes.ts';
import { knowledgeRoutes } from './knowledge/knowledge.routes.ts';
import { registerAnswerBot } from './knowledge/desk-bot.ts';
import { deskBotRoutes } from './knowledge/desk-bot.routes.ts';
import { registerChannelMentions } from './listening/channel-mentions.ts';
import { sentimentTrainingRoutes } from './insights/sentiment/sentiment-training.routes.ts';
import { listeningRoutes } from './listening/listening.routes.ts';
import { ingestRoutes } from './ingest/ingest.routes.ts';
import { webhookRoutes } from './channels/webhooks.routes.ts';
import { inboxRoutes } from './inbox/inbox.routes.ts';
import { deskAdminRoutes } from './inbox/desk-admin.routes.ts';
import { createServiceDesk, type ServiceDesk, type ServiceDeskOptions } from './inbox/service-desk.ts';
import { realtimeRoutes } from './realtime/realtime.routes.ts';
import { webchatRoutes } from './webchat/webchat.routes.ts';
import { workspaceRoutes } from './workspaces/workspaces.routes.ts';

export const VERSION = '0.1.0';

export type BuiltApp = { app: FastifyInstance; hub: Hub; desk: ServiceDesk; close(): Promise<void> };

export async function buildApp(options: {
  db: Database;
  logger: Logger;
  ingestFlushMs?: number;
  knownIdentifiers?: number;
  parseThreads?: number;
  desk?: ServiceDeskOptions;
  /** How often the embedded database's tables are checked for stale statistics (ms; 0: never). */
  analyzeCheckMs?: number;
}): Promise<BuiltApp> {
  const hub = createHub(options);
  const { metrics } = hub;
  const { base, app } = createHttpApp(hub);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Pishkhan API',
        version: VERSION,
        description:
          'Digital Customer Hub: Segment-compatible ingest, identity resolution, customer 360 and timeline.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'User token from /api/signup, /api/signin or /api/tokens',
          },
          writeKey: {
            type: 'http',
            scheme: 'basic',
            description: "A source's write key as the user name, empty password",
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  app.get('/api/health', {
    schema: {
      tags: ['system'],
      summary: 'Liveness and database reachability',
      response: { 200: z.object({ status: z.literal('ok'), database: z.string(), version: z.string() }) },
    },
    handler: async () => {
      await hub.db.asSystem((tx) => tx.query('SELECT 1'));
      return { status: 'ok' as const, database: hub.db.kind, version: VERSION };
    },
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/plain; version=0.0.4').send(await metrics.render()),
  );
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(workspaceRoutes, { hub });
  await app.register(ingestRoutes, { hub });
  await app.register(customerRoutes, { hub });
  await app.register(identityRoutes, { hub });
  await app.register(importRoutes, { hub });
  await app.register(insightsRoutes, { hub });
  await app.register(journeysRoutes, { hub });
  await app.register(retentionRoutes, { hub });
  await app.register(knowledgeRoutes, { hub });
  await app.register(listeningRoutes, { hub });
  await app.register(fastifyWebsocket, { options: { maxPayload: 256 * 1024 } });
  const desk = await createServiceDesk(hub, options.desk);
  // The answer bot and listening read customers' messages through the desk's hooks.
  registerAnswerBot(desk);
  registerChannelMentions(hub, desk);
  await app.register(deskBotRoutes, { hub, desk });
  await app.register(sentimentTrainingRoutes, { hub });
  await app.register(inboxRoutes, { hub, desk });
  await app.register(deskAdminRoutes, { hub, desk });
  await app.register(webhookRoutes, { hub, desk });
  await app.register(realtimeRoutes, { hub, desk });
  await app.register(webchatRoutes, { hub, desk });
  await app.ready();
  desk.jobs.start();
  // A server's autovacuum keeps its statistics; PGlite has none (db/table-statistics.ts).
  const statistics: StatisticsSweep | null =
    options.db.kind === 'pglite'
      ? startStatisticsSweep({
          db: options.db,
          logger: options.logger,
          ...(options.analyzeCheckMs !== undefined ? { everyMs: options.analyzeCheckMs } : {}),
        })
      : null;

  return {
    app: base,
    hub,
    desk,
    async close() {
      await statistics?.stop();
      await app.close();
      await desk.close();
      await hub.ingest.close();
      await hub.bodies.close();
    },
  };
}
