// Planner statistics and dead-row upkeep for the embedded database. PGlite runs no autovacuum, so
// without this its tables never get statistics — the planner guesses their sizes (a table scan
// where an index would do, as tables grow) — and the rows that updates and retention deletes leave
// behind are never reclaimed, so busy tables (jobs, conversations) only grow. A server keeps both
// by its own autovacuum, so the hub starts this sweep only on PGlite.
//
// Every check is one catalog query; a table is analysed only when autovacuum's analyse rule would
// pick it, or when its file grew by more than a tenth since its last ANALYZE (PGlite loses the
// change counters on restart; the file size and pg_class survive it), and vacuumed (with its
// ANALYZE) when autovacuum's vacuum rule would pick it. ANALYZE reads a sample of at most 30,000
// rows whatever the table's size; VACUUM skips the pages it has already found all-visible. One
// table at a time, so requests wait little.
import type { Logger } from '../core/logger.ts';
import type { Database } from './database.ts';

/** How often the embedded database's tables are checked (autovacuum's own naptime). */
export const DEFAULT_ANALYZE_CHECK_MS = 60_000;

// autovacuum_analyze_threshold + autovacuum_analyze_scale_factor × rows, and the same for vacuum
// (threshold 50, scale 0.2), with PostgreSQL's defaults.
const TABLES_DUE = `
  SELECT name, vacuum FROM (
    SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name,
      coalesce(pg_stat_get_mod_since_analyze(c.oid), 0) > 50 + 0.1 * greatest(c.reltuples, 0)
        OR pg_relation_size(c.oid) / current_setting('block_size')::int > c.relpages * 1.1 AS stale,
      coalesce(pg_stat_get_dead_tuples(c.oid), 0) > 50 + 0.2 * greatest(c.reltuples, 0) AS vacuum
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r') t
  WHERE stale OR vacuum
  ORDER BY name`;

export type TableUpkeep = { analysed: string[]; vacuumed: string[] };

/**
 * ANALYZEs the hub's tables whose statistics are missing or stale, and VACUUMs (with ANALYZE) those
 * with many dead rows; the names of the tables analysed (vacuumed ones included) and vacuumed.
 */
export async function refreshTableStatistics(
  db: Database,
  options: { stopping?: () => boolean } = {},
): Promise<TableUpkeep> {
  // Counters are sent to the shared statistics up to a second late; on PGlite (one backend) this
  // makes the check below see every change committed so far.
  await db.run('SELECT pg_stat_force_next_flush()');
  const due = await db.run<{ name: string; vacuum: boolean }>(TABLES_DUE);
  const done: TableUpkeep = { analysed: [], vacuumed: [] };
  for (const { name, vacuum } of due) {
    if (options.stopping?.()) break;
    await db.run(vacuum ? `VACUUM (ANALYZE) ${name}` : `ANALYZE ${name}`);
    done.analysed.push(name);
    if (vacuum) done.vacuumed.push(name);
    // Lets waiting requests go between tables (PGlite runs one statement at a time).
    await new Promise((resolve) => setImmediate(resolve));
  }
  return done;
}

export type StatisticsSweep = {
  /** One check now (the timer runs one every `everyMs`): the tables it analysed and vacuumed. */
  sweep(): Promise<TableUpkeep>;
  /** Ends the timer; a check under way stops before its next table. */
  stop(): Promise<void>;
};

/** Checks at once (an existing data folder may have grown without statistics), then every `everyMs`. */
export function startStatisticsSweep(deps: {
  db: Database;
  logger: Logger;
  /** 0 turns the timer off (and the first check at start with it). */
  everyMs?: number;
}): StatisticsSweep {
  const every = deps.everyMs ?? DEFAULT_ANALYZE_CHECK_MS;
  let stopping = false;
  let running: Promise<TableUpkeep> | null = null;
  const sweep = () => {
    running ??= (async () => {
      const started = performance.now();
      const done = await refreshTableStatistics(deps.db, { stopping: () => stopping });
      const ms = Math.round(performance.now() - started);
      if (done.analysed.length > 0)
        deps.logger.info({ ...done, ms }, 'table statistics refreshed (ANALYZE, VACUUM where rows died)');
      else deps.logger.debug({ ms }, 'table statistics checked: none stale');
      return done;
    })().finally(() => (running = null));
    return running;
  };
  const sweepLogged = () => {
    if (running || stopping) return;
    sweep().catch((error: unknown) => deps.logger.error({ err: error }, 'table statistics check failed'));
  };
  const timer = every > 0 ? setInterval(sweepLogged, every) : null;
  timer?.unref();
  if (timer) sweepLogged();
  return {
    sweep,
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
