// One interface over the embedded PGlite and a PostgreSQL server, so every domain writes the
// same SQL. Request work runs in workspace transactions (row-level security on); only sign-in,
// sign-up and the ingest COPY run as the hub's own role.
import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { UUID_PATTERN } from '../core/ids.ts';
import { copyIn } from './copy-in.ts';
import { CopyColumns, copyTextChunks } from './copy-text.ts';

export type Row = Record<string, unknown>;

export type QueryOptions = {
  /**
   * Keep the statement prepared on each server connection (a named prepared statement), so it is
   * parsed and analysed once instead of on every run — a third of the server's work on the desk's
   * hot path at 200 messages a second (docs/benchmarks.md). Only for fixed texts (values always
   * as parameters): each distinct text is kept once per connection. Ignored on PGlite.
   */
  prepare?: boolean;
};

/** A statement and its parameters, for `Tx.queries`. */
export type Statement = { text: string; params?: unknown[] };

export type Tx = {
  query<T = Row>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /**
   * Several statements in one round trip, each with its own rows: a simple query, so parameters
   * go inline (strings, numbers, booleans and arrays of them only). On PGlite they run in turn.
   */
  queries(statements: Statement[]): Promise<Row[][]>;
  /**
   * Bulk append by COPY (few rows by one INSERT). A CopyColumns value is columns already in COPY
   * text: rows with one always go by COPY.
   */
  appendRows(table: string, columns: readonly string[], rows: unknown[][]): Promise<void>;
  /**
   * In a `releasable` exclusive transaction: the identity work is written, so the next exclusive
   * transaction of the workspace may start while this one appends its events and commits. A
   * no-op elsewhere (and on PGlite, which runs one transaction at a time anyway).
   */
  releaseExclusive(): Promise<void>;
  /**
   * In an exclusive transaction: waits until every released transaction of the workspace has
   * committed, so a statement that rewrites their rows (a merge moving events) sees them.
   */
  awaitReleased(): Promise<void>;
};

export type TransactionOptions = {
  exclusive?: boolean;
  releasable?: boolean;
  lock?: string;
  /**
   * The transaction's opening statements (BEGIN, scope, locks) wait for its first query (or
   * `queries`) and go with it, in one round trip: that query's parameters are then sent inline
   * (strings, numbers, booleans and arrays of them only). A transaction that runs no statement
   * opens none.
   */
  openWithFirstQuery?: boolean;
};

export type Database = {
  kind: 'pglite' | 'postgres';
  /**
   * A transaction scoped to one workspace (row-level security). `exclusive` also takes the
   * workspace's advisory lock as it opens, so exclusive transactions of one workspace run one at
   * a time across processes (identity resolution needs that). A `releasable` one may hand the
   * lock on before it commits (`Tx.releaseExclusive`); the others wait for those to commit.
   * `lock` names a transaction advisory lock taken as the transaction opens, in the same round
   * trip (letters, digits, `:`, `-`, `_` and `.` only).
   */
  inWorkspace<T>(workspaceId: string, fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  asSystem<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * One statement on its own, as the hub's own role: it commits by itself, in one round trip
   * instead of three (BEGIN, it, COMMIT). For a single write that needs nothing else in its
   * transaction (a webhook's raw request and its job, written by one statement).
   */
  run<T = Row>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs a multi-statement script (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
};

// Rows from which COPY beats one multi-row INSERT (whose parameters PostgreSQL parses and plans
// every time): measured in a workspace transaction on PostgreSQL 15, 40 rows took 1.6 ms by COPY
// and 2.0 ms by INSERT, 160 rows 3.2 and 6.3 ms; below about 20 they are even.
const COPY_THRESHOLD = 20;

// Two locks per workspace. The identity lock orders exclusive transactions; a session lock, so a
// releasable transaction can let go of it before committing. The writing lock is held shared
// by released transactions until they commit, and exclusively by whoever must see their rows.
/** A transaction advisory lock by name: a workspace's, or one named by the caller (`lock`). */
export const LOCK_FOR_TRANSACTION = 'SELECT pg_advisory_xact_lock(hashtext($1::text))';
const LOCK_IDENTITY = 'SELECT pg_advisory_lock(hashtext($1::text))';
const UNLOCK_IDENTITY = 'SELECT pg_advisory_unlock(hashtext($1::text))';
const WAIT_FOR_WRITERS = "SELECT pg_advisory_xact_lock(hashtext($1::text || ':writing'))";
const JOIN_WRITERS = "SELECT pg_advisory_xact_lock_shared(hashtext($1::text || ':writing'))";
const LOCK_NAME = /^[\w:.-]{1,200}$/;
const SCOPE_TO_WORKSPACE =
  "SELECT set_config('role', 'pishkhan_app', true), set_config('app.workspace_id', $1, true)";
const TAKE_WORKSPACE_ROLE = "SELECT set_config('role', 'pishkhan_app', true)";

// node-postgres returns int8 as strings; counts and sizes here fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const wrap = (q: Pick<PGlite, 'query'>, scoped: boolean): Tx => ({
    async query<T>(text: string, params: unknown[] = []) {
      return (await q.query<T>(text, params)).rows;
    },
    async queries(statements) {
      const rows: Row[][] = [];
      for (const { text, params } of statements) rows.push((await q.query<Row>(text, params)).rows);
      return rows;
    },
    async appendRows(table, columns, rows) {
      if (byInsert(rows)) {
        await insertInChunks((text, params) => q.query(text, params), table, columns, rows);
        return;
      }
      // PGlite takes COPY's data as a blob. COPY FROM is refused under row-level security, so it
      // runs as the hub's own role, as on a server.
      if (scoped) await q.query('RESET ROLE');
      await q.query(`COPY ${table} (${columns.join(',')}) FROM '/dev/blob'`, [], {
        blob: new Blob([Buffer.concat([...copyTextChunks(rows)])]),
      });
      if (scoped) await q.query("SELECT set_config('role', 'pishkhan_app', true)");
    },
    releaseExclusive: async () => undefined,
    awaitReleased: async () => undefined,
  });
  return {
    kind: 'pglite',
    inWorkspace: (workspaceId, fn, options) =>
      db.transaction(async (tx) => {
        await tx.query(SCOPE_TO_WORKSPACE, [workspaceId]);
        if (options?.exclusive) await tx.query(LOCK_FOR_TRANSACTION, [workspaceId]);
        if (options?.lock) await tx.query(LOCK_FOR_TRANSACTION, [lockName(options.lock)]);
        return fn(wrap(tx, true));
      }),
    asSystem: (fn) => db.transaction((tx) => fn(wrap(tx, false))),
    run: async <T>(text: string, params: unknown[] = []) => (await db.query<T>(text, params)).rows,
    exec: async (script) => {
      await db.exec(script);
    },
    close: () => db.close(),
  };
}

export async function openPostgres(connectionString: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  pool.on('error', () => undefined); // an idle client's socket error: the next checkout reconnects
  const run = async <T>(
    workspaceId: string | null,
    fn: (tx: Tx) => Promise<T>,
    mode: TransactionOptions = {},
  ): Promise<T> => {
    const client = await pool.connect();
    // The workspace id is a UUID from our own tables, checked here, so statements can carry it
    // inline and several go in one round trip.
    if (workspaceId && !UUID_PATTERN.test(workspaceId)) {
      client.release();
      throw new Error(`not a workspace id: ${workspaceId}`);
    }
    const inline = (sql: string) => sql.replace('$1', `'${workspaceId}'`);
    const opening = ['BEGIN'];
    if (workspaceId) opening.push(inline(SCOPE_TO_WORKSPACE));
    if (workspaceId && mode.exclusive && mode.releasable) opening.push(inline(LOCK_IDENTITY));
    if (workspaceId && mode.exclusive && !mode.releasable) {
      opening.push(inline(LOCK_IDENTITY), inline(WAIT_FOR_WRITERS));
    }
    if (mode.lock) opening.push(LOCK_FOR_TRANSACTION.replace('$1', `'${lockName(mode.lock)}'`));
    let opened = false;
    const open = async () => {
      if (opened) return;
      opened = true;
      await client.query(opening.join('; '));
    };
    let holdingIdentity = Boolean(workspaceId && mode.exclusive);
    const tx: Tx = {
      async query<R>(text: string, params: unknown[] = [], options?: QueryOptions) {
        if (!opened) return (await this.queries([{ text, params }]))[0] as R[];
        return (await client.query(statement(text, params, options))).rows as R[];
      },
      async queries(statements) {
        // Each statement of a simple query has a snapshot of its own, as separate queries would.
        const texts = statements.map(({ text, params }) => withInlineParameters(text, params ?? []));
        const before = opened ? [] : opening;
        opened = true;
        const results = (await client.query([...before, ...texts].join('; '))) as unknown as
          pg.QueryResult | pg.QueryResult[];
        const each = Array.isArray(results) ? results : [results];
        return each.slice(each.length - statements.length).map((r) => r.rows as Row[]);
      },
      async appendRows(table, columns, rows) {
        await open();
        if (byInsert(rows)) {
          await insertInChunks((text, params) => this.query(text, params), table, columns, rows);
          return;
        }
        // COPY FROM is refused under row-level security, so it runs as the hub's own role (the
        // rows were scoped by the caller), and the workspace role comes back in the same round trip.
        const copy = `COPY ${table} (${columns.join(',')}) FROM STDIN`;
        await copyIn(
          client,
          workspaceId ? `RESET ROLE; ${copy}; ${TAKE_WORKSPACE_ROLE}` : copy,
          copyTextChunks(rows),
        );
      },
      async releaseExclusive() {
        if (!holdingIdentity || !mode.releasable) return;
        await open();
        // Joins the writers before letting go, so no one who must wait for it can slip in between.
        await client.query(`${inline(JOIN_WRITERS)}; ${inline(UNLOCK_IDENTITY)}`);
        holdingIdentity = false;
      },
      async awaitReleased() {
        await open();
        if (holdingIdentity) await client.query(inline(WAIT_FOR_WRITERS));
      },
    };
    const unlock = () => (holdingIdentity ? `; ${inline(UNLOCK_IDENTITY)}` : '');
    try {
      if (!mode.openWithFirstQuery) await open();
      const result = await fn(tx);
      if (opened) await client.query(`COMMIT${unlock()}`);
      client.release();
      return result;
    } catch (error) {
      // A live connection lets go of its session lock; a broken one is destroyed, which drops it.
      let broken = false;
      if (opened) await client.query(`ROLLBACK${unlock()}`).catch(() => (broken = true));
      client.release(broken);
      throw error;
    }
  };
  await pool.query('SELECT 1'); // fail at start, not at the first request
  return {
    kind: 'postgres',
    inWorkspace: (workspaceId, fn, options) => run(workspaceId, fn, options),
    asSystem: (fn) => run(null, fn),
    run: async <T>(text: string, params: unknown[] = [], options?: QueryOptions) =>
      (await pool.query(statement(text, params, options))).rows as T[],
    exec: async (script) => {
      await pool.query(script);
    },
    close: () => pool.end(),
  };
}

/**
 * Whether rows go by one INSERT rather than COPY: a COPY costs round trips of its own (and a role
 * switch), so small sets go as fast by INSERT — unless a row has columns encoded for COPY.
 */
function byInsert(rows: unknown[][]): boolean {
  return rows.length < COPY_THRESHOLD && !rows.some((row) => row.some((v) => v instanceof CopyColumns));
}

/**
 * The statement with its parameters written in as literals, for a simple query that carries other
 * statements in the same round trip. Only the values such statements use are taken.
 */
function withInlineParameters(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)(?!\d)/g, (_, n: string) => sqlLiteral(params[Number(n) - 1]));
}

function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isFinite(value)) return `(${value})`;
  if (Array.isArray(value)) {
    const elements = value.map((v) =>
      v === null || v === undefined ? 'NULL' : `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`,
    );
    return pg.escapeLiteral(`{${elements.join(',')}}`);
  }
  throw new Error(`a parameter of type ${typeof value} cannot be sent inline`);
}

/** A lock name is inlined into the opening statements, so only plain names are taken. */
function lockName(name: string): string {
  if (!LOCK_NAME.test(name)) throw new Error(`not a lock name: ${name}`);
  return name;
}

const preparedNames = new Map<string, string>();

/** node-postgres' query config: named (prepared once per connection, by a hash of the text) when asked. */
function statement(text: string, values: unknown[], options?: QueryOptions): pg.QueryConfig {
  if (!options?.prepare) return { text, values };
  let name = preparedNames.get(text);
  if (!name) {
    name = `psk_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    preparedNames.set(text, name);
  }
  return { name, text, values };
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
