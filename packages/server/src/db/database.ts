// One interface over the embedded PGlite and a PostgreSQL server, so every domain writes the
// same SQL. Request work runs in workspace transactions (row-level security on); only sign-in,
// sign-up and the ingest COPY run as the hub's own role.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { UUID_PATTERN } from '../core/ids.ts';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

export type Row = Record<string, unknown>;

export type Tx = {
  query<T = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Bulk append: COPY on a server, multi-row INSERT on PGlite (which has no client COPY stream). */
  appendRows(table: string, columns: readonly string[], rows: unknown[][]): Promise<void>;
};

export type Database = {
  kind: 'pglite' | 'postgres';
  /**
   * A transaction scoped to one workspace (row-level security). `exclusive` also takes the
   * workspace's transaction-level advisory lock as it opens, so exclusive transactions of one
   * workspace run one at a time across processes (identity resolution needs that).
   */
  inWorkspace<T>(
    workspaceId: string,
    fn: (tx: Tx) => Promise<T>,
    options?: { exclusive?: boolean },
  ): Promise<T>;
  asSystem<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
};

const COPY_THRESHOLD = 200;

const LOCK_WORKSPACE = 'SELECT pg_advisory_xact_lock(hashtext($1::text))';
const SCOPE_TO_WORKSPACE =
  "SELECT set_config('role', 'pishkhan_app', true), set_config('app.workspace_id', $1, true)";

// node-postgres returns int8 as strings; counts and sizes here fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const wrap = (q: Pick<PGlite, 'query'>): Tx => ({
    async query<T>(text: string, params: unknown[] = []) {
      return (await q.query<T>(text, params)).rows;
    },
    async appendRows(table, columns, rows) {
      await insertInChunks((text, params) => q.query(text, params), table, columns, rows);
    },
  });
  return {
    kind: 'pglite',
    inWorkspace: (workspaceId, fn, options) =>
      db.transaction(async (tx) => {
        await tx.query(SCOPE_TO_WORKSPACE, [workspaceId]);
        if (options?.exclusive) await tx.query(LOCK_WORKSPACE, [workspaceId]);
        return fn(wrap(tx));
      }),
    asSystem: (fn) => db.transaction((tx) => fn(wrap(tx))),
    exec: async (script) => {
      await db.exec(script);
    },
    close: () => db.close(),
  };
}

export async function openPostgres(connectionString: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  pool.on('error', () => undefined); // an idle client's socket error: the next checkout reconnects
  const wrap = (client: pg.PoolClient, scoped: boolean): Tx => {
    // COPY FROM is refused under row-level security, so it runs as the hub's own role (the rows
    // were scoped by the caller); the workspace role comes back before the next query.
    let unscoped = false;
    return {
      async query<T>(text: string, params: unknown[] = []) {
        if (unscoped) {
          await client.query("SELECT set_config('role', 'pishkhan_app', true)");
          unscoped = false;
        }
        return (await client.query(text, params)).rows as T[];
      },
      async appendRows(table, columns, rows) {
        // A COPY costs round trips of its own (and a role switch): small sets go faster as one INSERT.
        if (rows.length < COPY_THRESHOLD) {
          await insertInChunks((text, params) => this.query(text, params), table, columns, rows);
          return;
        }
        if (scoped && !unscoped) {
          await client.query('RESET ROLE');
          unscoped = true;
        }
        const stream = client.query(copyFrom(`COPY ${table} (${columns.join(',')}) FROM STDIN`));
        await pipeline(Readable.from(copyTextLines(rows)), stream);
      },
    };
  };
  const run = async <T>(
    workspaceId: string | null,
    fn: (tx: Tx) => Promise<T>,
    exclusive = false,
  ): Promise<T> => {
    const client = await pool.connect();
    try {
      // One round trip opens the transaction and scopes it; the id is a UUID from our own tables.
      if (workspaceId && !UUID_PATTERN.test(workspaceId))
        throw new Error(`not a workspace id: ${workspaceId}`);
      const inline = (sql: string) => sql.replace('$1', `'${workspaceId}'`);
      const opening = [
        'BEGIN',
        ...(workspaceId ? [inline(SCOPE_TO_WORKSPACE)] : []),
        ...(workspaceId && exclusive ? [inline(LOCK_WORKSPACE)] : []),
      ];
      await client.query(opening.join('; '));
      const result = await fn(wrap(client, workspaceId !== null));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  await pool.query('SELECT 1'); // fail at start, not at the first request
  return {
    kind: 'postgres',
    inWorkspace: (workspaceId, fn, options) => run(workspaceId, fn, options?.exclusive),
    asSystem: (fn) => run(null, fn),
    exec: async (script) => {
      await pool.query(script);
    },
    close: () => pool.end(),
  };
}

async function insertInChunks(
  query: (text: string, params: unknown[]) => Promise<unknown>,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
): Promise<void> {
  // PostgreSQL takes at most 65,535 parameters per statement.
  const perChunk = Math.max(1, Math.floor(60_000 / columns.length));
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const marks = row.map((value) => {
        params.push(value);
        return `$${params.length}`;
      });
      return `(${marks.join(',')})`;
    });
    await query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${tuples.join(',')}`, params);
  }
}

/** COPY text in chunks of about 64 KB: one CopyData message per row would be one socket write per row. */
export function* copyTextLines(rows: unknown[][]): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += `${row.map(copyTextValue).join('\t')}\n`;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyTextValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    value instanceof Date
      ? value.toISOString()
      : Array.isArray(value)
        ? `{${value.map((v) => JSON.stringify(String(v))).join(',')}}`
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (c) => COPY_ESCAPES[c]!) : text;
}
