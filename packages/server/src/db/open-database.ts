// Opens the database the configuration names and brings its schema up to date.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openPglite, openPostgres, type Database } from './database.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { migrate } from './migrate.ts';

export type OpenedDatabase = { db: Database; close(): Promise<void>; description: string };

export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir?: string;
  inMemory?: boolean;
}): Promise<OpenedDatabase> {
  if (options.databaseUrl) {
    const db = await openPostgres(options.databaseUrl);
    await migrate(db);
    return { db, close: () => db.close(), description: `PostgreSQL ${redactUrl(options.databaseUrl)}` };
  }
  if (options.inMemory || !options.dataDir) {
    const db = await openPglite(undefined);
    await migrate(db);
    return { db, close: () => db.close(), description: 'embedded PGlite (in memory)' };
  }
  const dir = path.resolve(options.dataDir);
  mkdirSync(dir, { recursive: true });
  const unlock = lockDataDir(dir);
  try {
    const db = await openPglite(path.join(dir, 'pglite'));
    await migrate(db);
    return {
      db,
      close: async () => {
        await db.close();
        unlock();
      },
      description: `embedded PGlite in ${dir}`,
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
