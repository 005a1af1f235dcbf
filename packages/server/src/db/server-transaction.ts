// A transaction on a PostgreSQL server connection, in as few round trips as its work allows. On a
// machine whose cores are shared, each round trip wakes the server's process and then the hub's,
// and those wake-ups, more than the statements, were what an ingest group cost at a few hundred
// calls a second (docs/benchmarks.md, "Ingest", seventh session). So what needs no answer waits
// and goes with the next statement that does: the opening (BEGIN, scope, locks) goes with the
// first query when asked, and appended rows, deferred writes and the letting go of the identity
// lock go with the next query or with the COMMIT.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { copyIn } from './copy-in.ts';
import { copyTextChunks } from './copy-text.ts';
import type { QueryOptions, Row, TransactionOptions, Tx } from './database.ts';

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
export const SCOPE_TO_WORKSPACE =
  "SELECT set_config('role', 'pishkhan_app', true), set_config('app.workspace_id', $1, true)";
export const TAKE_WORKSPACE_ROLE = "SELECT set_config('role', 'pishkhan_app', true)";

/** Statements not sent yet, in order; at most one COPY, with statements before and after it. */
type Unsent = { before: string[]; copy: { sql: string; rows: unknown[][] } | null; after: string[] };

export type ServerTransaction = {
  tx: Tx;
  /** Sends the opening now, for a transaction that must hold its locks before its work starts. */
  open(): Promise<void>;
  /** Sends what is left with the COMMIT (nothing, if the transaction never asked for anything). */
  commit(): Promise<void>;
  /** Rolls back and lets go of the identity lock; false when the connection broke doing it. */
  rollback(): Promise<boolean>;
};

export function serverTransaction(
  client: pg.PoolClient,
  workspaceId: string | null,
  mode: TransactionOptions,
): ServerTransaction {
  // The workspace id is a UUID from our own tables, checked by the caller, so statements can
  // carry it inline and several go in one round trip.
  const inline = (sql: string) => sql.replace('$1', `'${workspaceId}'`);
  const unsent: Unsent = { before: ['BEGIN'], copy: null, after: [] };
  if (workspaceId) unsent.before.push(inline(SCOPE_TO_WORKSPACE));
  if (workspaceId && mode.exclusive) unsent.before.push(inline(LOCK_IDENTITY));
  if (workspaceId && mode.exclusive && !mode.releasable) unsent.before.push(inline(WAIT_FOR_WRITERS));
  if (mode.lock) unsent.before.push(LOCK_FOR_TRANSACTION.replace('$1', `'${lockName(mode.lock)}'`));
  // Whether anything went to the server, and whether anything waits to go besides the opening.
  let opened = false;
  let used = false;
  // Until a round trip that let go of it succeeded: a rollback must let go of it otherwise.
  let holdingIdentity = Boolean(workspaceId && mode.exclusive);
  let releasing = false;

  const defer = (sql: string) => {
    used = true;
    (unsent.copy ? unsent.after : unsent.before).push(sql);
  };

  /** Sends every unsent statement, and `reads` after them in the same round trip; their rows. */
  async function send(reads: string[] = []): Promise<Row[][]> {
    const letsGo = releasing;
    if (unsent.copy) {
      const { before, copy, after } = unsent;
      Object.assign(unsent, { before: [], copy: null, after: [] });
      opened = true;
      await copyIn(client, [...before, copy.sql, ...after].join('; '), copyTextChunks(copy.rows));
    }
    let rows: Row[][] = [];
    if (unsent.before.length > 0 || reads.length > 0) {
      opened = true;
      // Each statement of a simple query has a snapshot of its own, as separate queries would.
      const results = (await client.query([...unsent.before.splice(0), ...reads].join('; '))) as unknown as
        pg.QueryResult | pg.QueryResult[];
      const each = Array.isArray(results) ? results : [results];
      rows = each.slice(each.length - reads.length).map((r) => r.rows as Row[]);
    }
    if (letsGo) holdingIdentity = releasing = false;
    return rows;
  }

  const tx: Tx = {
    async query<R>(text: string, params: unknown[] = [], options?: QueryOptions) {
      // Unsent statements go with it, when its parameters can go inline; else they go first.
      const sql = unsent.before.length > 0 && !unsent.copy ? inlined(text, params) : null;
      if (sql !== null) return (await send([sql]))[0] as R[];
      await send();
      return (await client.query(statement(text, params, options))).rows as R[];
    },
    queries: (statements) =>
      send(statements.map(({ text, params }) => withInlineParameters(text, params ?? []))),
    async write(text, params = []) {
      defer(withInlineParameters(text, params));
    },
    async appendRows(table, columns, rows) {
      // Even a row or two goes by COPY: it waits for the next round trip, where an INSERT (its
      // JSON parameters cannot go inline) would take one of its own, and another for what waited.
      if (rows.length === 0) return;
      if (unsent.copy) await send();
      // COPY FROM is refused under row-level security, so it runs as the hub's own role (the
      // rows were scoped by the caller), and the workspace role comes back in the same round trip.
      const copy = `COPY ${table} (${columns.join(',')}) FROM STDIN`;
      used = true;
      unsent.copy = { sql: workspaceId ? `RESET ROLE; ${copy}` : copy, rows };
      if (workspaceId) unsent.after.push(TAKE_WORKSPACE_ROLE);
    },
    async releaseExclusive() {
      if (!holdingIdentity || !mode.releasable || releasing) return;
      // Joins the writers before letting go, so no one who must wait for it can slip in between.
      // Both go with the next round trip: whoever waits for the lock is let in by the server then.
      defer(inline(JOIN_WRITERS));
      defer(inline(UNLOCK_IDENTITY));
      releasing = true;
    },
    async awaitReleased() {
      if (holdingIdentity && !releasing) await send([inline(WAIT_FOR_WRITERS)]);
    },
  };

  return {
    tx,
    open: async () => {
      await send();
    },
    async commit() {
      if (!used && !opened) return;
      const unlock = holdingIdentity && !releasing;
      defer('COMMIT');
      if (unlock) defer(inline(UNLOCK_IDENTITY));
      await send();
      if (unlock) holdingIdentity = false;
    },
    async rollback() {
      if (!opened) return true;
      // A live connection lets go of its session lock; a broken one is destroyed, which drops it.
      // Letting go of a lock no longer held only warns, so a release that may have run is retried.
      const unlock = holdingIdentity ? `; ${inline(UNLOCK_IDENTITY)}` : '';
      return client.query(`ROLLBACK${unlock}`).then(
        () => true,
        () => false,
      );
    },
  };
}

/**
 * The statement with its parameters written in as literals, for a simple query that carries other
 * statements in the same round trip; null when one of them has no literal here.
 */
function inlined(text: string, params: unknown[]): string | null {
  let complete = true;
  const sql = text.replace(/\$(\d+)(?!\d)/g, (_, n: string) => {
    const literal = sqlLiteral(params[Number(n) - 1]);
    if (literal === null) complete = false;
    return literal ?? '';
  });
  return complete ? sql : null;
}

function withInlineParameters(text: string, params: unknown[]): string {
  const sql = inlined(text, params);
  if (sql === null) throw new Error(`a parameter of ${text.slice(0, 60)}… cannot be sent inline`);
  return sql;
}

/** Only the values statements sent inline use: strings, numbers, booleans and arrays of them. */
function sqlLiteral(value: unknown): string | null {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isFinite(value)) return `(${value})`;
  if (Array.isArray(value) && value.every((v) => v === null || v === undefined || typeof v !== 'object')) {
    const elements = value.map((v) =>
      v === null || v === undefined ? 'NULL' : `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`,
    );
    return pg.escapeLiteral(`{${elements.join(',')}}`);
  }
  return null;
}

/** A lock name is inlined into the opening statements, so only plain names are taken. */
export function lockName(name: string): string {
  if (!LOCK_NAME.test(name)) throw new Error(`not a lock name: ${name}`);
  return name;
}

const preparedNames = new Map<string, string>();

/** node-postgres' query config: named (prepared once per connection, by a hash of the text) when asked. */
export function statement(text: string, values: unknown[], options?: QueryOptions): pg.QueryConfig {
  if (!options?.prepare) return { text, values };
  let name = preparedNames.get(text);
  if (!name) {
    name = `psk_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    preparedNames.set(text, name);
  }
  return { name, text, values };
}
