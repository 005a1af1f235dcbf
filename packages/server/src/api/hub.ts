// What route plugins are given: the hub's shared parts, built once in buildApp.
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import type { Database } from '../db/database.ts';
import type { BodyReaders } from '../ingest/body-readers.ts';
import type { IngestPipeline } from '../ingest/ingest.service.ts';
import type { Authenticator } from '../workspaces/auth.service.ts';

export type Hub = {
  db: Database;
  auth: Authenticator;
  ingest: IngestPipeline;
  /** Where Segment API bodies are parsed: on parsing threads when there are cores to spare. */
  bodies: BodyReaders;
  metrics: Metrics;
  logger: Logger;
};
