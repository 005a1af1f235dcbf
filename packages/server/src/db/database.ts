// One interface over the embedded PGlite and a PostgreSQL server, so every domain writes the
// same SQL. Request work runs in workspace transactions (row-level security on); only sign-in,
// sign-up and the ingest COPY run as the hub's own role.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { UUID_PATTERN } from '../core/ids.ts';
import { byInsert, insertInChunks } from './append-rows.ts';
import { copyTextChunks } from './copy-text.ts';
import {
  LOCK_FOR_TRANSACTION,
  lockName,
  SCOPE_TO_WORKSPACE,
  serverTransaction,
  statement,
  TAKE_WORKSPACE_ROLE,
} from './server-transaction.ts';

export { LOCK_FOR_TRANSACTION };

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
   * A statement whose rows are not needed (an UPDATE): on a server it goes with the transaction's
   * next round trip (its next query, or its COMMIT), and its error fails that one. Parameters go
   * inline, as for `queries`. On PGlite it runs at once.
   */
  write(text: string, params?: unknown[]): Promise<void>;
  /**
   * Bulk append by COPY. On a server every append is a COPY that goes with the transaction's next
   * round trip, as a `write`; on PGlite a few rows go by one INSERT, unless a row has a CopyColumns
   * value (columns already in COPY text).
   */
  appendRows(table: string, columns: readonly string[], rows: unknown[][]): Promise<void>;
  /**
   * In a `releasable` exclusive transaction: the identity work is written, so the next exclusive
   * transaction of the workspace may start while this one appends its events and commits. On a
   * server it lets go with the next round trip (the next transaction's opening waits for it
   * there). A no-op elsewhere (and on PGlite, which runs one transaction at a time anyway).
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
    async write(text, params = []) {
      await q.query(text, params);
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
      if (scoped) await q.query(TAKE_WORKSPACE_ROLE);
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

/**
 * Settings the hub gives each of its server sessions where nobody else chose one: not the
 * server's configuration, not `ALTER DATABASE`/`ALTER ROLE … SET`, not the connection's own
 * options (PGOPTIONS, or `options` in the DATABASE_URL). Set by a statement rather than sent as
 * startup options, which PgBouncer refuses. `backend_flush_after`: the pages a server process
 * writes out of its buffers are handed to the disk every 256 kB instead of piling up in the
 * kernel's cache, whose flush of a few hundred MB at once, every ~30 s, held every commit for
 * 50–250 ms (docs/benchmarks.md, "Ingest", sixteenth session). PostgreSQL's own writers do so by
 * default (`checkpoint_flush_after`, `bgwriter_flush_after`); ingest makes its server processes
 * write most pages themselves.
 */
export const SESSION_SETTINGS = `SELECT set_config(name, '256kB', false) FROM pg_settings
  WHERE name = 'backend_flush_after' AND source = 'default'`;

export async function openPostgres(connectionString: string): Promise<Database> {
  // Connections stay open while idle (node-postgres closes them after 10 s by default): a new
  // server process's first transactions load its catalog caches and compile the PL/pgSQL functions
  // ingest calls, so traffic resuming after a quiet spell waited for them (docs/benchmarks.md,
  // "Ingest", fifteenth session).
  const pool = new pg.Pool({ connectionString, max: 10, idleTimeoutMillis: 0 });
  pool.on('error', () => undefined); // an idle client's socket error: the next checkout reconnects
  const settled = new WeakSet<pg.PoolClient>();
  const checkOut = async () => {
    const client = await pool.connect();
    if (settled.has(client)) return client;
    try {
      await client.query(SESSION_SETTINGS);
    } catch (error) {
      client.release(true);
      throw error;
    }
    settled.add(client);
    return client;
  };
  // A statement on its own. A failed one's connection is closed, as node-postgres' pool.query does.
  const onClient = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await checkOut();
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      client.release(true);
      throw error;
    }
  };
  const run = async <T>(
    workspaceId: string | null,
    fn: (tx: Tx) => Promise<T>,
    mode: TransactionOptions = {},
  ): Promise<T> => {
    if (workspaceId && !UUID_PATTERN.test(workspaceId)) throw new Error(`not a workspace id: ${workspaceId}`);
    const client = await checkOut();
    const transaction = serverTransaction(client, workspaceId, mode);
    try {
      if (!mode.openWithFirstQuery) await transaction.open();
      const result = await fn(transaction.tx);
      await transaction.commit();
      client.release();
      return result;
    } catch (error) {
      client.release(!(await transaction.rollback()));
      throw error;
    }
  };
  await onClient((client) => client.query('SELECT 1')); // fail at start, not at the first request
  return {
    kind: 'postgres',
    inWorkspace: (workspaceId, fn, options) => run(workspaceId, fn, options),
    asSystem: (fn) => run(null, fn),
    run: async <T>(text: string, params: unknown[] = [], options?: QueryOptions) =>
      onClient(async (client) => (await client.query(statement(text, params, options))).rows as T[]),
    exec: async (script) => {
      await onClient((client) => client.query(script));
    },
    close: () => pool.end(),
  };
}
