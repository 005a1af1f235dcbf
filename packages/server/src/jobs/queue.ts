// The durable job queue: a PostgreSQL table. A job is enqueued with the caller's transaction (so
// a rolled-back change leaves no job), claimed with FOR UPDATE SKIP LOCKED, and retried with
// exponential backoff. Why not pg-boss: docs/service-desk.md ("Jobs").
import type { Logger } from '../core/logger.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database, Tx } from '../db/database.ts';
import { createDoneBatch, type JobRow } from './done-batch.ts';
import { createInlineRuns } from './inline-runs.ts';

export type Job = {
  workspaceId: string;
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
};

/**
 * What a run decided. `retry` is a transient failure: backed off and tried again until
 * maxAttempts, then the handler's giveUp runs. `failed` stops at once (permanent failure).
 */
export type JobOutcome =
  { type: 'done' } | { type: 'retry'; reason: string } | { type: 'failed'; reason: string };

export type JobHandler = {
  run(job: Job): Promise<JobOutcome>;
  /** After the last attempt failed or a permanent failure: record the reason where users see it. */
  giveUp?(job: Job, reason: string): Promise<void>;
  /**
   * Runs in the transaction that records a batch of this kind's jobs done, so what marks the
   * work finished (a webhook request's processed_at) commits with the jobs' own state.
   */
  finishBatch?(tx: Tx, jobs: readonly Job[]): Promise<void>;
};

/** How long a claimed job is its runner's before another may take it (its process is presumed dead). */
export const DEFAULT_LEASE_SECONDS = 120;

export type EnqueueInput = {
  workspaceId: string;
  kind: string;
  payload: Record<string, unknown>;
  runAt?: Date;
  maxAttempts?: number;
  /** A second enqueue with the same key is a no-op (an effect is scheduled once). */
  idempotencyKey?: string;
  /**
   * Enqueued already claimed by the caller (running, attempt 1, leased for `leaseSeconds`), who
   * runs it at once with `JobRunner.runClaimed` once this transaction committed. No runner
   * takes it unless the lease runs out — the caller's process died — so it runs once, and the
   * queue still finishes it after a crash.
   */
  claimed?: boolean;
  leaseSeconds?: number;
};

export async function enqueueJob(tx: Tx, input: EnqueueInput): Promise<string | null> {
  return enqueueJobWith(tx, null, input);
}

/**
 * Runs the caller's statement (an INSERT of the record the job is about) and enqueues the job
 * in one statement — one round trip instead of two on the hottest path (a webhook's request and
 * its job). `first` uses $1…$n; both commit or neither. Being one statement, it needs no
 * transaction of its own: `Database.run` sends it alone, committing by itself.
 */
export async function enqueueJobWith(
  tx: Pick<Tx, 'query'>,
  first: { text: string; params: unknown[] } | null,
  input: EnqueueInput,
): Promise<string | null> {
  const id = uuidv7();
  const lease = input.claimed ? (input.leaseSeconds ?? DEFAULT_LEASE_SECONDS) : null;
  const before = first?.params ?? [];
  const $ = (n: number) => `$${before.length + n}`;
  const rows = await tx.query<{ id: string }>(
    `${first ? `WITH first AS (${first.text}) ` : ''}INSERT INTO jobs (workspace_id, id, kind, payload, run_at,
       max_attempts, idempotency_key, status, attempts, locked_until)
     VALUES (${$(1)}, ${$(2)}, ${$(3)}, ${$(4)}, coalesce(${$(5)}::timestamptz, now()), ${$(6)}, ${$(7)},
       CASE WHEN ${$(8)}::float8 IS NULL THEN 'queued' ELSE 'running' END,
       CASE WHEN ${$(8)}::float8 IS NULL THEN 0 ELSE 1 END, now() + make_interval(secs => ${$(8)}::float8))
     ON CONFLICT (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id`,
    [
      ...before,
      input.workspaceId,
      id,
      input.kind,
      JSON.stringify(input.payload),
      input.runAt ?? null,
      input.maxAttempts ?? 6,
      input.idempotencyKey ?? null,
      lease,
    ],
    { prepare: true },
  );
  return rows[0]?.id ?? null;
}

/** Backoff before attempt n+1: 1 s, 2 s, 4 s … capped at 10 minutes, with ±20 % jitter. */
export function defaultBackoffMs(attempt: number): number {
  const base = Math.min(600_000, 1000 * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export type JobRunner = {
  start(): void;
  /** Wakes the runner now (call after the transaction that enqueued a job committed). */
  kick(): void;
  /**
   * Whether a job may be claimed at enqueue and run here: false once `inlineConcurrency` such
   * runs are going on and `inlineBacklog` wait for a slot, so an overloaded process leaves new
   * work to the queue.
   */
  hasRoom(): boolean;
  /**
   * Runs a job enqueued `claimed` (after its transaction committed) in this process — at once,
   * or after those ahead of it — with the queue's bookkeeping: done, retry with backoff, give up.
   * `run` replaces the handler's run when the caller holds what the handler would load (the
   * webhook's request, already parsed).
   */
  runClaimed(job: Job, run?: (job: Job) => Promise<JobOutcome>): Promise<void>;
  /** Runs due jobs until none is due (tests). */
  drain(): Promise<number>;
  stop(): Promise<void>;
};

export function createJobRunner(deps: {
  db: Database;
  logger: Logger;
  handlers: Record<string, JobHandler>;
  /** How often to look for due jobs when nobody kicked (retries, scheduled messages). */
  pollMs?: number;
  concurrency?: number;
  /** Claimed jobs run at once in this process (`runClaimed`); default `concurrency`. */
  inlineConcurrency?: number;
  /** Claimed jobs that may wait here for a slot, in arrival order (default 1,000). */
  inlineBacklog?: number;
  backoffMs?: (attempt: number) => number;
  /** A claimed job whose worker died is taken again after this long. */
  leaseSeconds?: number;
}): JobRunner {
  const pollMs = deps.pollMs ?? 250;
  const concurrency = deps.concurrency ?? 16;
  const inline = createInlineRuns({
    concurrency: deps.inlineConcurrency ?? concurrency,
    backlog: deps.inlineBacklog ?? 1_000,
  });
  const backoff = deps.backoffMs ?? defaultBackoffMs;
  const lease = deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  // Done marks of jobs finishing together are written in one statement and one commit.
  const doneBatch = createDoneBatch({ db: deps.db, handlers: deps.handlers });
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let kicked = false;

  async function claim(limit: number): Promise<JobRow[]> {
    return deps.db.asSystem((tx) =>
      tx.query<JobRow>(
        `UPDATE jobs j SET status = 'running', attempts = j.attempts + 1,
           locked_until = now() + make_interval(secs => $2)
         FROM (SELECT workspace_id, id FROM jobs
               WHERE run_at <= now() AND (status = 'queued' OR (status = 'running' AND locked_until < now()))
               ORDER BY run_at LIMIT $1 FOR UPDATE SKIP LOCKED) c
         WHERE j.workspace_id = c.workspace_id AND j.id = c.id
         RETURNING j.workspace_id, j.id, j.kind, j.payload, j.attempts, j.max_attempts`,
        [limit, lease],
        { prepare: true },
      ),
    );
  }

  async function finish(job: Job, outcome: JobOutcome): Promise<void> {
    if (outcome.type === 'done') {
      await doneBatch.add(job);
      return;
    }
    if (outcome.type === 'retry' && job.attempt < job.maxAttempts) {
      await deps.db.asSystem((tx) =>
        tx.query(
          `UPDATE jobs SET status = 'queued', locked_until = NULL, last_error = $3,
             run_at = now() + make_interval(secs => $4) WHERE workspace_id = $1 AND id = $2`,
          [job.workspaceId, job.id, outcome.reason, backoff(job.attempt) / 1000],
        ),
      );
      deps.logger.warn(
        { job: job.kind, id: job.id, attempt: job.attempt, reason: outcome.reason },
        'job will retry',
      );
      return;
    }
    await deps.db.asSystem((tx) =>
      tx.query(
        `UPDATE jobs SET status = 'failed', finished_at = now(), locked_until = NULL, last_error = $3 WHERE workspace_id = $1 AND id = $2`,
        [job.workspaceId, job.id, outcome.reason],
      ),
    );
    deps.logger.warn({ job: job.kind, id: job.id, reason: outcome.reason }, 'job failed');
    await deps.handlers[job.kind]?.giveUp?.(job, outcome.reason);
  }

  async function runOne(job: Job, run?: (job: Job) => Promise<JobOutcome>): Promise<void> {
    const handler = deps.handlers[job.kind];
    const execute = run ?? (handler ? (j: Job) => handler.run(j) : null);
    let outcome: JobOutcome;
    if (!execute) outcome = { type: 'failed', reason: `no handler for job kind ${job.kind}` };
    else {
      try {
        outcome = await execute(job);
      } catch (error) {
        // A thrown error is a bug or an outage (database, network): treat it as transient.
        deps.logger.error({ err: error, job: job.kind, id: job.id }, 'job threw');
        outcome = { type: 'retry', reason: error instanceof Error ? error.message : String(error) };
      }
    }
    try {
      await finish(job, outcome);
    } catch (error) {
      // The job stays leased: once the lease ends the queue runs it again (handlers are idempotent).
      deps.logger.error({ err: error, job: job.kind, id: job.id }, 'job bookkeeping failed');
    }
  }

  const toJob = (row: JobRow): Job => ({
    workspaceId: row.workspace_id,
    id: row.id,
    kind: row.kind,
    payload: row.payload,
    attempt: row.attempts,
    maxAttempts: row.max_attempts,
  });

  /** One pass: claims up to `concurrency` jobs and runs them together (drain, in tests). */
  async function pass(): Promise<number> {
    const rows = await claim(concurrency);
    await Promise.all(rows.map((row) => runOne(toJob(row))));
    return rows.length;
  }

  // Up to `concurrency` jobs in flight; a finished job makes room for the next claim at once.
  let inFlight = 0;
  let lastClaimFull = false;
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  async function run(): Promise<void> {
    while (running) {
      let claimed = 0;
      kicked = false;
      if (inFlight < concurrency) {
        try {
          const limit = concurrency - inFlight;
          const rows = await claim(limit);
          claimed = rows.length;
          lastClaimFull = claimed === limit;
          for (const row of rows) {
            inFlight++;
            void runOne(toJob(row)).finally(() => {
              inFlight--;
              // The queue had more than we could take: claim again now that a slot is free.
              if (lastClaimFull) {
                kicked = true;
                wakeUp();
              }
            });
          }
        } catch (error) {
          if (!running) break;
          deps.logger.error({ err: error }, 'job runner pass failed');
        }
      }
      if ((claimed > 0 && inFlight < concurrency) || kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    kick() {
      kicked = true;
      wakeUp();
    },
    hasRoom: () => inline.hasRoom(),
    runClaimed: (job, run) => inline.run(() => runOne(job, run)),
    async drain() {
      let total = 0;
      for (;;) {
        // Jobs running here since their enqueue finish first: what they leave (a retry) is due work.
        const inlineNow = inline.size();
        await inline.settled();
        const ran = await pass();
        total += ran + inlineNow;
        if (ran === 0 && inline.size() === 0) return total;
      }
    },
    async stop() {
      running = false;
      wakeUp();
      await loop;
      await inline.settled();
      await doneBatch.flush();
    },
  };
}
