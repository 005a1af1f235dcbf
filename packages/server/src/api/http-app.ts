// What every HTTP process of the hub is built from: the hub's shared parts and a Fastify instance
// with the Zod type provider, the one error handler and the request metrics. The full app
// (app.ts) and the ingest-only app of extra ingest processes (ingest/ingest-app.ts) both start here.
import { availableParallelism } from 'node:os';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_INGEST_FLUSH_MS } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import { createMetrics, LATENCY_BUCKETS } from '../core/metrics.ts';
import type { Database } from '../db/database.ts';
import { createBodyReaders } from '../ingest/body-readers.ts';
import { createIngestPipeline } from '../ingest/ingest.service.ts';
import { createAuthenticator } from '../workspaces/auth.service.ts';
import { installErrorHandler } from './error-handler.ts';
import type { Hub } from './hub.ts';

export function createHub(options: {
  db: Database;
  logger: Logger;
  ingestFlushMs?: number;
  /** PISHKHAN_KNOWN_IDENTIFIERS (config.ts). */
  knownIdentifiers?: number;
  /** PISHKHAN_PARSE_THREADS (config.ts). */
  parseThreads?: number;
}): Hub {
  const metrics = createMetrics();
  const ingest = createIngestPipeline({
    db: options.db,
    flushMs: options.ingestFlushMs ?? DEFAULT_INGEST_FLUSH_MS,
    logger: options.logger,
    metrics,
    knownIdentifiersLimit: options.knownIdentifiers,
  });
  return {
    db: options.db,
    auth: createAuthenticator(options.db),
    ingest,
    bodies: createBodyReaders({
      threads: options.parseThreads ?? defaultParseThreads(),
      logger: options.logger,
      waitingEvents: ingest.waitingEvents,
    }),
    metrics,
    logger: options.logger,
  };
}

/** A parsing thread where there is a core to spare for it (docs/architecture.md). */
export function defaultParseThreads(): number {
  return availableParallelism() > 1 ? 1 : 0;
}

export function createHttpApp(hub: Hub) {
  // pino's own types are stricter than Fastify's logger interface; the instance is the same.
  const base: FastifyInstance = Fastify({
    loggerInstance: hub.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  });
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  installErrorHandler(app);

  const countRequests = hub.metrics.counter(
    'pishkhan_http_requests_total',
    'HTTP requests by route and status',
  );
  const observeLatency = hub.metrics.histogram(
    'pishkhan_http_request_seconds',
    'HTTP request latency',
    LATENCY_BUCKETS,
  );
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    countRequests(1, { route, status: String(reply.statusCode) });
    observeLatency(reply.elapsedTime / 1000, { route });
    if (reply.statusCode >= 500) request.log.error({ route, status: reply.statusCode }, 'request failed');
    else
      request.log.debug(
        { method: request.method, route, status: reply.statusCode, ms: reply.elapsedTime },
        'request',
      );
  });
  return { base, app };
}
