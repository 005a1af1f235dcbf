// The ingest-only HTTP app of an extra ingest process (PISHKHAN_INGEST_WORKERS): the Segment API
// and nothing else. It holds no live state another process needs — an HTTP ingest call commits
// its events and answers, and publishes nothing in-process — so any number of these may run
// beside the full hub on one PostgreSQL database (the identity lock and retries keep them right,
// see docs/benchmarks.md, "The pipelined write").
import type { FastifyInstance } from 'fastify';
import { createHttpApp, createHub } from '../api/http-app.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import type { Database } from '../db/database.ts';
import { ingestRoutes } from './ingest.routes.ts';

export async function buildIngestApp(options: {
  db: Database;
  logger: Logger;
  ingestFlushMs?: number;
  knownIdentifiers?: number;
  parseThreads?: number;
}): Promise<{ app: FastifyInstance; metrics: Metrics; close(): Promise<void> }> {
  const hub = createHub(options);
  const { base, app } = createHttpApp(hub);
  await app.register(ingestRoutes, { hub });
  await app.ready();
  return {
    app: base,
    metrics: hub.metrics,
    async close() {
      await app.close();
      await hub.ingest.close();
      await hub.bodies.close();
    },
  };
}
