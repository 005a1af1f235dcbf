// A bare migrated database for the queue's tests: PGlite in memory, or a fresh database on the
// server named by TEST_DATABASE_URL (dropped afterwards).
import { createLogger } from '../core/logger.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/open-database.ts';
import { createScratchDatabase } from '../db/scratch-database.ts';

export async function openQueueTestDatabase(): Promise<{ db: Database; close(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const opened = await openDatabase({ inMemory: true });
    return { db: opened.db, close: opened.close };
  }
  const scratch = await createScratchDatabase(serverUrl, 'pishkhan_test');
  const opened = await openDatabase({ databaseUrl: scratch.url });
  return {
    db: opened.db,
    async close() {
      await opened.close();
      await scratch.drop();
    },
  };
}

export const quietLogger = () => createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
