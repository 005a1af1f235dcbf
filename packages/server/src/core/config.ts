// Configuration comes from the environment (and a .env file); one place reads it.
import path from 'node:path';
import { z } from 'zod';

export const DEFAULT_INGEST_FLUSH_MS = 0;

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PISHKHAN_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  NATS_URL: z.string().optional(),
  SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Group commit: how long the first event of a batch may wait for others (ms), when no group is
   * being written. 0: the next turn of the event loop; requests that arrive while a group is being
   * written still go together in the next. A 2 ms wait made fewer transactions but doubled the
   * half-load tail (docs/benchmarks.md, "Ingest", ninth session).
   */
  INGEST_FLUSH_MS: z.coerce.number().min(0).max(1000).default(DEFAULT_INGEST_FLUSH_MS),
  /**
   * Extra processes serving only the Segment ingest API, on PISHKHAN_INGEST_PORT (PostgreSQL server
   * only). 0: ingest is served by the hub's own process, on PORT, as always (it still is).
   */
  PISHKHAN_INGEST_WORKERS: z.coerce.number().int().min(0).max(64).default(0),
  /**
   * Identifiers whose customer each process keeps in memory, per workspace, so that events of known
   * customers look nothing up (default 250,000, ~50 MB); 0 looks every identifier up.
   */
  PISHKHAN_KNOWN_IDENTIFIERS: z.coerce.number().int().min(0).max(100_000_000).optional(),
  /**
   * Threads that parse and normalise Segment API bodies beside each process's main thread (default:
   * 1 where the machine has more than one core, else 0: bodies are read on the main thread).
   */
  PISHKHAN_PARSE_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  PISHKHAN_INGEST_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** Days finished jobs and processed webhook requests are kept before the desk deletes them. */
  PISHKHAN_JOB_RETENTION_DAYS: z.coerce.number().min(0.01).max(3650).default(7),
  /**
   * How often the embedded database's tables are checked, and the stale ones ANALYZEd (PGlite runs
   * no autovacuum); 0 turns it off. Ignored with DATABASE_URL (the server's autovacuum does it).
   */
  PISHKHAN_ANALYZE_CHECK_SECONDS: z.coerce.number().min(0).max(86_400).default(60),
  /** OpenAI-compatible API base (…/v1) the answer bot may phrase answers with; unset = retrieval only. */
  PISHKHAN_LLM_URL: z.string().url().optional(),
  PISHKHAN_LLM_MODEL: z.string().default('gpt-4o-mini'),
  PISHKHAN_LLM_KEY: z.string().optional(),
});

export type Config = z.infer<typeof ConfigSchema> & { dataDir: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as a newcomer writes `DATABASE_URL=` to unset it.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.PISHKHAN_DATA_DIR) };
}
