// Finished work does not stay forever: done and failed jobs (and, through the same helper, other
// domains' processed records) older than a retention are deleted in small batches, each its own
// short transaction, so the hot path never waits behind a long delete and PGlite's one
// connection is handed back between batches.
import type { Database } from '../db/database.ts';

export const DEFAULT_RETENTION_DAYS = 7;

export type PruneLimits = {
  /** Rows deleted per transaction. */
  batchSize?: number;
  /** Batches per call; the next sweep goes on where this one stopped. */
  maxBatches?: number;
};

/** Runs `deleteBatch(limit)` until it deletes fewer than `limit` rows or `maxBatches` ran; the total. */
export async function deleteInBatches(
  deleteBatch: (limit: number) => Promise<number>,
  limits: PruneLimits = {},
): Promise<number> {
  const batchSize = limits.batchSize ?? 500;
  const maxBatches = limits.maxBatches ?? 200;
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const deleted = await deleteBatch(batchSize);
    total += deleted;
    if (deleted < batchSize) break;
    // Lets waiting work (a webhook's transaction on PGlite) go between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}

/** Deletes done and failed jobs that finished before `olderThan`; returns how many. */
export async function pruneFinishedJobs(
  db: Database,
  input: { olderThan: Date } & PruneLimits,
): Promise<number> {
  return deleteInBatches(async (limit) => {
    const rows = await db.asSystem((tx) =>
      tx.query<{ id: string }>(
        `DELETE FROM jobs j USING (
           SELECT workspace_id, id FROM jobs
           WHERE status IN ('done', 'failed') AND finished_at < $1::timestamptz
           ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED) old
         WHERE j.workspace_id = old.workspace_id AND j.id = old.id RETURNING j.id`,
        [input.olderThan, limit],
      ),
    );
    return rows.length;
  }, input);
}
