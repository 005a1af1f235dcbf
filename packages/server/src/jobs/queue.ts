// The durable job queue: a PostgreSQL table. A job is enqueued with the caller's transaction (so
// a rolled-back change leaves no job), claimed with FOR UPDATE SKIP LOCKED, and retried with
// exponential backoff. Why not pg-boss: docs/service-desk.md ("Jobs").
import type { Logger } from '../core/logger.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database, Tx } from '../db/database.ts';

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
};

export async function enqueueJob(
  tx: Tx,
  input: {
    workspaceId: string;
    kind: string;
    payload: Record<string, unknown>;
    runAt?: Date;
    maxAttempts?: number;
    /** A second enqueue with the same key is a no-op (an effect is scheduled once). */
    idempotencyKey?: string;
  },
): Promise<string | null> {
  const id = uuidv7();
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO jobs (workspace_id, id, kind, payload, run_at, max_attempts, idempotency_key)
     VALUES ($1, $2, $3, $4, coalesce($5::timestamptz, now()), $6, $7)
     ON CONFLICT (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id`,
    [
      input.workspaceId,
      id,
      input.kind,
      JSON.stringify(input.payload),
      input.runAt ?? null,
      input.maxAttempts ?? 6,
      input.idempotencyKey ?? null,
    ],
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
  /** Runs due jobs until none is due (tests). */
  drain(): Promise<number>;
  stop(): Promise<void>;
};

type JobRow = {
  workspace_id: string;
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
};

export function createJobRunner(deps: {
  db: Database;
  logger: Logger;
  handlers: Record<string, JobHandler>;
  /** How often to look for due jobs when nobody kicked (retries, scheduled messages). */
  pollMs?: number;
  concurrency?: number;
  backoffMs?: (attempt: number) => number;
  /** A claimed job whose worker died is taken again after this long. */
  leaseSeconds?: number;
}): JobRunner {
  const pollMs = deps.pollMs ?? 250;
  const concurrency = deps.concurrency ?? 16;
  const backoff = deps.backoffMs ?? defaultBackoffMs;
  const lease = deps.leaseSeconds ?? 120;
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
      ),
    );
  }

  async function finish(row: JobRow, outcome: JobOutcome): Promise<void> {
    const job: Job = {
      workspaceId: row.workspace_id,
      id: row.id,
      kind: row.kind,
      payload: row.payload,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
    };
    const retry = outcome.type === 'retry' && row.attempts < row.max_attempts;
    if (outcome.type === 'done') {
      await deps.db.asSystem((tx) =>
        tx.query(
          `UPDATE jobs SET status = 'done', finished_at = now(), locked_until = NULL WHERE workspace_id = $1 AND id = $2`,
          [row.workspace_id, row.id],
        ),
      );
      return;
    }
    if (retry) {
      await deps.db.asSystem((tx) =>
        tx.query(
          `UPDATE jobs SET status = 'queued', locked_until = NULL, last_error = $3,
             run_at = now() + make_interval(secs => $4) WHERE workspace_id = $1 AND id = $2`,
          [row.workspace_id, row.id, outcome.reason, backoff(row.attempts) / 1000],
        ),
      );
      deps.logger.warn(
        { job: row.kind, id: row.id, attempt: row.attempts, reason: outcome.reason },
        'job will retry',
      );
      return;
    }
    await deps.db.asSystem((tx) =>
      tx.query(
        `UPDATE jobs SET status = 'failed', finished_at = now(), locked_until = NULL, last_error = $3 WHERE workspace_id = $1 AND id = $2`,
        [row.workspace_id, row.id, outcome.reason],
      ),
    );
    deps.logger.warn({ job: row.kind, id: row.id, reason: outcome.reason }, 'job failed');
    await deps.handlers[row.kind]?.giveUp?.(job, outcome.reason);
  }

  async function runOne(row: JobRow): Promise<void> {
    const handler = deps.handlers[row.kind];
    let outcome: JobOutcome;
    if (!handler) outcome = { type: 'failed', reason: `no handler for job kind ${row.kind}` };
    else {
      try {
        outcome = await handler.run({
          workspaceId: row.workspace_id,
          id: row.id,
          kind: row.kind,
          payload: row.payload,
          attempt: row.attempts,
          maxAttempts: row.max_attempts,
        });
      } catch (error) {
        // A thrown error is a bug or an outage (database, network): treat it as transient.
        deps.logger.error({ err: error, job: row.kind, id: row.id }, 'job threw');
        outcome = { type: 'retry', reason: error instanceof Error ? error.message : String(error) };
      }
    }
    try {
      await finish(row, outcome);
    } catch (error) {
      deps.logger.error({ err: error, job: row.kind, id: row.id }, 'job bookkeeping failed');
    }
  }

  /** One pass: claims up to `concurrency` jobs and runs them together (drain, in tests). */
  async function pass(): Promise<number> {
    const rows = await claim(concurrency);
    await Promise.all(rows.map(runOne));
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
            void runOne(row).finally(() => {
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
    async drain() {
      let total = 0;
      for (;;) {
        const ran = await pass();
        total += ran;
        if (ran === 0) return total;
      }
    },
    async stop() {
      running = false;
      wakeUp();
      await loop;
    },
  };
}
