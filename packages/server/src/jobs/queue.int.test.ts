import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../core/ids.ts';
import type { Database } from '../db/database.ts';
import { createJobRunner, enqueueJob, type Job, type JobOutcome } from './queue.ts';
import { openQueueTestDatabase, quietLogger } from './testing.ts';

describe('job queue: claimed at enqueue, run at once, done marks in batches', () => {
  let db: Database;
  let close: () => Promise<void>;
  const workspaceId = uuidv7();
  const ran: string[] = [];
  const finished: string[][] = [];
  const handlers = {
    'test.work': {
      async run(job: Job): Promise<JobOutcome> {
        ran.push(String(job.payload.name));
        return job.payload.fail && job.attempt === 1
          ? { type: 'retry', reason: 'not yet' }
          : { type: 'done' };
      },
      async finishBatch(_tx: unknown, jobs: readonly Job[]) {
        finished.push(jobs.map((j) => String(j.payload.name)));
      },
    },
  };
  const runner = () =>
    createJobRunner({ db, logger: quietLogger(), handlers, backoffMs: () => 10, pollMs: 20, concurrency: 4 });
  const statusOf = async (id: string) =>
    (
      await db.asSystem((tx) =>
        tx.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM jobs WHERE id = $1`, [
          id,
        ]),
      )
    )[0];
  const enqueue = (
    name: string,
    options: { claimed?: boolean; leaseSeconds?: number; fail?: boolean } = {},
  ) =>
    db.inWorkspace(workspaceId, (tx) =>
      enqueueJob(tx, {
        workspaceId,
        kind: 'test.work',
        payload: { name, ...(options.fail ? { fail: true } : {}) },
        ...(options.claimed ? { claimed: true } : {}),
        ...(options.leaseSeconds ? { leaseSeconds: options.leaseSeconds } : {}),
      }),
    );
  const jobOf = (id: string, name: string): Job => ({
    workspaceId,
    id,
    kind: 'test.work',
    payload: { name },
    attempt: 1,
    maxAttempts: 6,
  });

  beforeAll(async () => {
    ({ db, close } = await openQueueTestDatabase());
  });
  afterAll(async () => {
    await close();
  });

  it('leaves a job claimed at enqueue to its claimer: no runner takes it while the lease holds', async () => {
    const id = (await enqueue('claimed', { claimed: true }))!;
    expect(await statusOf(id)).toEqual({ status: 'running', attempts: 1 });
    const other = runner();
    expect(await other.drain()).toBe(0);
    expect(ran).not.toContain('claimed');
    const mine = runner();
    await mine.runClaimed(jobOf(id, 'claimed'));
    expect(ran.filter((n) => n === 'claimed')).toHaveLength(1);
    expect(await statusOf(id)).toMatchObject({ status: 'done' });
    expect(finished.flat()).toContain('claimed');
  });

  it('runs a claimed job again from the queue once its lease ran out (its process died)', async () => {
    const id = (await enqueue('orphan', { claimed: true, leaseSeconds: 0.2 }))!;
    await new Promise((r) => setTimeout(r, 400));
    expect(await runner().drain()).toBe(1);
    expect(ran.filter((n) => n === 'orphan')).toHaveLength(1);
    expect(await statusOf(id)).toEqual({ status: 'done', attempts: 2 });
  });

  it('hands a claimed job that failed transiently back to the queue, which retries it', async () => {
    const id = (await enqueue('flaky', { claimed: true, fail: true }))!;
    const r = runner();
    const job: Job = { ...jobOf(id, 'flaky'), payload: { name: 'flaky', fail: true } };
    await r.runClaimed(job);
    expect(await statusOf(id)).toMatchObject({ status: 'queued' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await r.drain();
    expect(await statusOf(id)).toEqual({ status: 'done', attempts: 2 });
    expect(ran.filter((n) => n === 'flaky')).toHaveLength(2);
  });

  it('writes the done marks of jobs finishing together in one batch', async () => {
    const ids = await Promise.all(['a', 'b', 'c', 'd'].map((n) => enqueue(n)));
    finished.length = 0;
    expect(await runner().drain()).toBe(4);
    for (const id of ids) expect(await statusOf(id!)).toMatchObject({ status: 'done' });
    expect(finished).toEqual([expect.arrayContaining(['a', 'b', 'c', 'd'])]);
  });

  it('runs claimed jobs a few at a time in arrival order, and leaves work to the queue once its line is full', async () => {
    const r = createJobRunner({
      db,
      logger: quietLogger(),
      handlers,
      inlineConcurrency: 1,
      inlineBacklog: 1,
    });
    let release = () => {};
    const blocked = new Promise<JobOutcome>((resolve) => (release = () => resolve({ type: 'done' })));
    const id = (await enqueue('slow', { claimed: true }))!;
    const next = (await enqueue('next', { claimed: true }))!;
    const order: string[] = [];
    expect(r.hasRoom()).toBe(true);
    const running = r.runClaimed(jobOf(id, 'slow'), async () => {
      const outcome = await blocked;
      order.push('slow');
      return outcome;
    });
    expect(r.hasRoom()).toBe(true);
    const waiting = r.runClaimed(jobOf(next, 'next'), async () => {
      order.push('next');
      return { type: 'done' };
    });
    expect(r.hasRoom()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]);
    release();
    await Promise.all([running, waiting]);
    expect(order).toEqual(['slow', 'next']);
    expect(r.hasRoom()).toBe(true);
    expect(await statusOf(next)).toMatchObject({ status: 'done' });
  });
});
