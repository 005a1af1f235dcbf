// The desk's retention sweep: finished jobs and processed webhook requests older than the
// retention (7 days by default, `PISHKHAN_JOB_RETENTION_DAYS`) are deleted now and then in small
// batches, so the two tables that grow with every message stay the size of a week's traffic.
// Dead letters stay: people read them.
import type { Logger } from '../core/logger.ts';
import type { Database } from '../db/database.ts';
import { DEFAULT_RETENTION_DAYS, pruneFinishedJobs, type PruneLimits } from '../jobs/retention.ts';
import { pruneProcessedWebhooks } from './webhook-intake.ts';

export type RetentionOptions = PruneLimits & {
  /** Days a finished job or a processed webhook request is kept. */
  days?: number;
  /** How often the sweep runs (default 10 minutes); 0 turns the timer off. */
  sweepMs?: number;
};

export type RetentionSweep = {
  /** One sweep now: how many jobs and webhook requests were deleted. */
  sweep(): Promise<{ jobs: number; webhookRequests: number }>;
  stop(): Promise<void>;
};

export function startRetentionSweep(deps: {
  db: Database;
  logger: Logger;
  now: () => Date;
  options?: RetentionOptions;
}): RetentionSweep {
  const options = deps.options ?? {};
  const days = options.days ?? DEFAULT_RETENTION_DAYS;
  const limits: PruneLimits = {
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.maxBatches ? { maxBatches: options.maxBatches } : {}),
  };
  let running: Promise<{ jobs: number; webhookRequests: number }> | null = null;
  const sweep = () => {
    running ??= (async () => {
      const olderThan = new Date(deps.now().getTime() - days * 86_400_000);
      const jobs = await pruneFinishedJobs(deps.db, { olderThan, ...limits });
      const webhookRequests = await pruneProcessedWebhooks(deps.db, { olderThan, ...limits });
      if (jobs + webhookRequests > 0) deps.logger.info({ jobs, webhookRequests, days }, 'retention sweep');
      return { jobs, webhookRequests };
    })().finally(() => (running = null));
    return running;
  };
  const every = options.sweepMs ?? 600_000;
  const timer =
    every > 0
      ? setInterval(() => {
          if (running) return;
          sweep().catch((error: unknown) => deps.logger.error({ err: error }, 'retention sweep failed'));
        }, every)
      : null;
  timer?.unref();
  return {
    sweep,
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
