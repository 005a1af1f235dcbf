// Group commit for finished jobs: jobs that finish while a batch is being written wait for the
// next one, so at 200 jobs a second the done marks cost a few statements, not 200 transactions.
// A mark lost to a crash only means the job runs again once its lease ends (handlers are
// idempotent: a processed webhook or a sent message is skipped).
import type { Database } from '../db/database.ts';
import type { Job, JobHandler } from './queue.ts';

export type JobRow = {
  workspace_id: string;
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
};

type Waiting = { job: Job; resolve(): void; reject(error: unknown): void };

export type DoneBatch = {
  /** Resolves once the job's done mark committed. */
  add(job: Job): Promise<void>;
  /** Waits for what is pending (stop). */
  flush(): Promise<void>;
};

export function createDoneBatch(deps: { db: Database; handlers: Record<string, JobHandler> }): DoneBatch {
  let pending: Waiting[] = [];
  let writing: Promise<void> | null = null;

  async function write(batch: Waiting[]): Promise<void> {
    const jobs = batch.map((w) => w.job);
    const byKind = new Map<string, Job[]>();
    for (const job of jobs) byKind.set(job.kind, [...(byKind.get(job.kind) ?? []), job]);
    await deps.db.asSystem(async (tx) => {
      // Each by its primary key, whatever the table's size (finish_jobs, migration 0014).
      await tx.query(
        `SELECT finish_jobs($1::uuid[], $2::uuid[])`,
        [jobs.map((j) => j.workspaceId), jobs.map((j) => j.id)],
        { prepare: true },
      );
      for (const [kind, ofKind] of byKind) await deps.handlers[kind]?.finishBatch?.(tx, ofKind);
    });
  }

  async function loop(): Promise<void> {
    // Jobs finishing in the same turn of the event loop join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        await write(batch);
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    writing = null;
  }

  return {
    add(job) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ job, resolve, reject });
        writing ??= loop();
      });
    },
    async flush() {
      while (writing) await writing;
    },
  };
}
