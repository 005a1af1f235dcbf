// Applies the SQL migrations in order, once each. Hand-written SQL because tenant isolation
// (roles, grants, FORCE ROW LEVEL SECURITY) and the timeline index cannot be expressed otherwise.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function migrate(db: Database): Promise<string[]> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  const applied = new Set(
    (await db.asSystem((tx) => tx.query<{ version: string }>('SELECT version FROM schema_migrations'))).map(
      (r) => r.version,
    ),
  );
  const done: string[] = [];
  for (const file of files) {
    const version = file.replace(/\.sql$/, '');
    if (applied.has(version)) continue;
    const script = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
    await db.exec(
      `BEGIN;\n${script}\nINSERT INTO schema_migrations (version) VALUES ('${version}');\nCOMMIT;`,
    );
    done.push(version);
  }
  return done;
}
