// An extra ingest process, forked by ingest-workers.ts: the Segment API on PISHKHAN_INGEST_PORT
// (shared by every ingest process through node:cluster) over the DATABASE_URL server.
import 'dotenv/config';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { keepRequestObjectsYoung } from '../core/keep-request-objects-young.ts';
import { openDatabase } from '../db/open-database.ts';
import { buildIngestApp } from './ingest-app.ts';
import { answerMetricsAsks } from './ingest-worker-metrics.ts';

keepRequestObjectsYoung();
const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const opened = await openDatabase({ databaseUrl: config.DATABASE_URL });
const built = await buildIngestApp({
  db: opened.db,
  logger,
  ingestFlushMs: config.INGEST_FLUSH_MS,
  knownIdentifiers: config.PISHKHAN_KNOWN_IDENTIFIERS,
  parseThreads: config.PISHKHAN_PARSE_THREADS,
});
const metrics = answerMetricsAsks(built.metrics);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  // Queued events are written and answered before the process ends.
  await built.close();
  // What the last events added is counted in the hub's /metrics, though nobody asked since.
  await metrics.report();
  await opened.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.on('disconnect', () => void stop());
await built.app.listen({ port: config.PISHKHAN_INGEST_PORT, host: config.HOST });
