import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../core/ids.ts';
import type { Database } from '../db/database.ts';
import { startRetentionSweep } from '../inbox/desk-retention.ts';
import { deleteInBatches, pruneFinishedJobs } from './retention.ts';
import { openQueueTestDatabase, quietLogger } from './testing.ts';

const DAY = 86_400_000;

describe('retention of finished jobs and processed webhook requests', () => {
  let db: Database;
  let close: () => Promise<void>;
  const workspaceId = uuidv7();
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY);

  const addJobs = (n: number, status: string, finishedAt: Date | null, name: string) =>
    db.asSystem(async (tx) => {
      for (let i = 0; i < n; i++)
        await tx.query(
          `INSERT INTO jobs (workspace_id, id, kind, payload, status, run_at, created_at, finished_at)
           VALUES ($1, $2, 'test.work', $3, $4, $5, $5, $6)`,
          [workspaceId, uuidv7(), JSON.stringify({ name }), status, ago(10), finishedAt],
        );
    });
  const addRequests = (n: number, receivedAt: Date, processedAt: Date | null, name: string) =>
    db.asSystem(async (tx) => {
      for (let i = 0; i < n; i++)
        await tx.query(
          `INSERT INTO webhook_requests (workspace_id, id, inbox_id, method, url, headers, query, body, received_at, processed_at)
           VALUES ($1, $2, $3, 'POST', $4, '{}', '{}', '\\x'::bytea, $5, $6)`,
          [workspaceId, uuidv7(), uuidv7(), `/${name}`, receivedAt, processedAt],
        );
    });
  const countBy = async (table: 'jobs' | 'webhook_requests', key: string) =>
    Object.fromEntries(
      (
        await db.asSystem((tx) =>
          tx.query<{ k: string; n: number }>(
            `SELECT ${key} AS k, count(*)::int AS n FROM ${table} GROUP BY 1`,
          ),
        )
      ).map((r) => [r.k, r.n]),
    );

  beforeAll(async () => {
    ({ db, close } = await openQueueTestDatabase());
  });
  afterAll(async () => {
    await close();
  });

  it('deletes what finished before the retention in batches, and keeps recent, pending and unprocessed work', async () => {
    await addJobs(25, 'done', ago(10), 'old-done');
    await addJobs(2, 'failed', ago(9), 'old-failed');
    await addJobs(3, 'done', ago(1), 'recent-done');
    await addJobs(1, 'queued', null, 'old-queued');
    await addJobs(1, 'running', null, 'old-running');
    await addRequests(20, ago(10), ago(10), 'old-processed');
    await addRequests(1, ago(10), null, 'old-unprocessed');
    await addRequests(2, ago(1), ago(1), 'recent-processed');

    const sweep = startRetentionSweep({
      db,
      logger: quietLogger(),
      now: () => now,
      options: { days: 7, batchSize: 4, sweepMs: 0 },
    });
    expect(await sweep.sweep()).toEqual({ jobs: 27, webhookRequests: 20 });
    await sweep.stop();

    expect(await countBy('jobs', `payload->>'name'`)).toEqual({
      'recent-done': 3,
      'old-queued': 1,
      'old-running': 1,
    });
    expect(await countBy('webhook_requests', 'url')).toEqual({
      '/old-unprocessed': 1,
      '/recent-processed': 2,
    });
  });

  it('stops a sweep after maxBatches, so one sweep never holds the database long; the next goes on', async () => {
    await addJobs(10, 'done', ago(30), 'backlog');
    expect(await pruneFinishedJobs(db, { olderThan: ago(7), batchSize: 3, maxBatches: 2 })).toBe(6);
    expect(await pruneFinishedJobs(db, { olderThan: ago(7), batchSize: 3, maxBatches: 2 })).toBe(4);
    expect((await countBy('jobs', `payload->>'name'`)).backlog).toBeUndefined();
  });

  it('asks for one batch at a time until a batch comes back short', async () => {
    const asked: number[] = [];
    let left = 11;
    const total = await deleteInBatches(
      async (limit) => {
        asked.push(limit);
        const n = Math.min(limit, left);
        left -= n;
        return n;
      },
      { batchSize: 5 },
    );
    expect(total).toBe(11);
    expect(asked).toEqual([5, 5, 5]);
  });
});
