// Builds the service desk once per hub: its context, the job runner with the desk's jobs, and
// the SLA sweep. buildApp starts it and stops it on close.
import type { Hub } from '../api/hub.ts';
import { createJobRunner, type JobHandler, type JobRunner } from '../jobs/queue.ts';
import { createFeedBus, type FeedBus } from '../realtime/feed.ts';
import { loadChannelAdapters, type AdapterRegistry, type AnyAdapter } from './channel-registry.ts';
import { DELIVER_JOB, deliveryJob } from './deliver.ts';
import type { DeskContext, DeskHooks } from './desk-context.ts';
import { startMailPolling } from './mail-polling.ts';
import { startRetentionSweep, type RetentionOptions, type RetentionSweep } from './desk-retention.ts';
import { checkSlaClocks } from './sla.ts';
import { WEBHOOK_JOB, webhookJob } from './webhook-intake.ts';

export type ServiceDesk = DeskContext & {
  jobs: JobRunner;
  /** Adds or replaces a channel adapter (web chat registers its own; tests add local ones). */
  registerAdapter(adapter: AnyAdapter): void;
  /** One SLA sweep now (the timer runs it every `slaSweepMs`). */
  sweepSla(): Promise<number>;
  /** Deletes finished jobs and processed webhook requests older than the retention (also on a timer). */
  pruneFinished: RetentionSweep['sweep'];
  close(): Promise<void>;
};

export type ServiceDeskOptions = {
  adapters?: AdapterRegistry;
  /** Job polling interval (ms); kicks make fresh work start at once. */
  jobPollMs?: number;
  /** Jobs run at once (default 16). */
  jobConcurrency?: number;
  /**
   * Webhooks processed in the accepting process right after they committed: this many at once
   * (default jobConcurrency), up to `inlineBacklog` (default 1,000) waiting in line; beyond it, or
   * with 0, they are left to the job runner.
   */
  inlineConcurrency?: number;
  inlineBacklog?: number;
  backoffMs?: (attempt: number) => number;
  slaSweepMs?: number;
  /** How often due IMAP mailboxes are looked for (default 5 s); 0 turns the timer off (tests poll by hand). */
  mailPollTickMs?: number;
  now?: () => Date;
  extraJobs?: Record<string, JobHandler>;
  /** Retention of finished jobs and processed webhook requests (7 days, swept every 10 minutes). */
  retention?: RetentionOptions;
};

export async function createServiceDesk(hub: Hub, options: ServiceDeskOptions = {}): Promise<ServiceDesk> {
  const adapters = options.adapters ?? loadChannelAdapters();
  const bus: FeedBus = createFeedBus();
  const hooks: DeskHooks = { onInboundMessage: [], holdsNewConversation: [] };
  let runner: JobRunner | null = null;
  const desk: DeskContext = {
    db: hub.db,
    ingest: hub.ingest,
    logger: hub.logger,
    adapters,
    bus,
    hooks,
    kickJobs: () => runner?.kick(),
    now: options.now ?? (() => new Date()),
  };
  runner = createJobRunner({
    db: hub.db,
    logger: hub.logger,
    pollMs: options.jobPollMs ?? 250,
    concurrency: options.jobConcurrency ?? 16,
    ...(options.inlineConcurrency !== undefined ? { inlineConcurrency: options.inlineConcurrency } : {}),
    ...(options.inlineBacklog !== undefined ? { inlineBacklog: options.inlineBacklog } : {}),
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    handlers: { [WEBHOOK_JOB]: webhookJob(desk), [DELIVER_JOB]: deliveryJob(desk), ...options.extraJobs },
  });
  const jobs = runner;
  const sweepSla = async () => {
    const items = await checkSlaClocks(hub.db, desk.now());
    bus.publish(items);
    return items.length;
  };
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepSla()
      .catch((error: unknown) => hub.logger.error({ err: error }, 'SLA sweep failed'))
      .finally(() => (sweeping = false));
  }, options.slaSweepMs ?? 30_000);
  timer.unref();
  const mailPolling = startMailPolling(desk, { tickMs: options.mailPollTickMs });
  const retention = startRetentionSweep({
    db: hub.db,
    logger: hub.logger,
    now: desk.now,
    ...(options.retention ? { options: options.retention } : {}),
  });
  return {
    ...desk,
    jobs,
    registerAdapter: (adapter) => adapters.set(adapter.kind, adapter),
    sweepSla,
    pruneFinished: retention.sweep,
    async close() {
      clearInterval(timer);
      await retention.stop();
      await mailPolling.stop();
      await jobs.stop();
    },
  };
}
