// Where the database time of a benchmark goes: wraps a Database so every transaction is timed
// (from asking for it, pool wait included, to its commit) and labelled by its first statement
// after the workspace scope, with its statement count. `--profile` in the fan-out bench.
import { readdirSync, readFileSync } from 'node:fs';
import type { Database, Tx } from '../packages/server/src/db/database.ts';
import { fmt } from './bench-support.ts';

type Stat = { count: number; ms: number; statements: number; maxMs: number };

export type DbProfile = { db: Database; reset(): void; report(seconds: number): string };

const label = (sql: string) =>
  sql
    .replace(/\s+/g, ' ')
    .replace(/^(WITH [a-z_]+ AS \()/i, '$1')
    .trim()
    .slice(0, 70);

export function profileDatabase(inner: Database): DbProfile {
  let stats = new Map<string, Stat>();
  const statementCounts = new Map<string, { n: number; ms: number }>();
  const wrap = async <T>(run: (fn: (tx: Tx) => Promise<T>) => Promise<T>, fn: (tx: Tx) => Promise<T>) => {
    const started = performance.now();
    let first: string | null = null;
    let statements = 0;
    try {
      return await run((tx) =>
        fn({
          ...tx,
          query: async (text, params, options) => {
            statements++;
            const key = label(text);
            first ??= key;
            const t0 = performance.now();
            try {
              return await tx.query(text, params, options);
            } finally {
              const c = statementCounts.get(key) ?? { n: 0, ms: 0 };
              c.n++;
              c.ms += performance.now() - t0;
              statementCounts.set(key, c);
            }
          },
          appendRows: (table, columns, rows) => {
            statements++;
            first ??= `append ${table}`;
            return tx.appendRows(table, columns, rows);
          },
          releaseExclusive: () => tx.releaseExclusive(),
          awaitReleased: () => tx.awaitReleased(),
        }),
      );
    } finally {
      const ms = performance.now() - started;
      const key = first ?? '(empty)';
      const s = stats.get(key) ?? { count: 0, ms: 0, statements: 0, maxMs: 0 };
      s.count++;
      s.ms += ms;
      s.statements += statements;
      s.maxMs = Math.max(s.maxMs, ms);
      stats.set(key, s);
    }
  };
  const db: Database = {
    kind: inner.kind,
    inWorkspace: (workspaceId, fn, options) => wrap((f) => inner.inWorkspace(workspaceId, f, options), fn),
    asSystem: (fn) => wrap((f) => inner.asSystem(f), fn),
    run: async (text, params, options) => {
      const started = performance.now();
      try {
        return await inner.run(text, params, options);
      } finally {
        const key = `(autocommit) ${label(text)}`;
        const ms = performance.now() - started;
        const s = stats.get(key) ?? { count: 0, ms: 0, statements: 0, maxMs: 0 };
        s.count++;
        s.ms += ms;
        s.statements++;
        s.maxMs = Math.max(s.maxMs, ms);
        stats.set(key, s);
      }
    },
    exec: (script) => inner.exec(script),
    close: () => inner.close(),
  };
  return {
    db,
    reset() {
      stats = new Map();
      statementCounts.clear();
    },
    report(seconds) {
      const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
      const total = rows.reduce((n, [, s]) => n + s.count, 0);
      const statements = rows.reduce((n, [, s]) => n + s.statements, 0);
      const lines = [
        `transactions: ${fmt(total / seconds)}/s, statements: ${fmt(statements / seconds)}/s`,
        'count  avg ms  max ms  stmts/tx  first statement',
        ...rows.map(
          ([key, s]) =>
            `${String(s.count).padStart(5)}  ${fmt(s.ms / s.count, 1).padStart(6)}  ${fmt(s.maxMs, 0).padStart(6)}  ${fmt(s.statements / s.count, 1).padStart(8)}  ${key}`,
        ),
        'statements by text: count, avg ms (wall, round trip included)',
        ...[...statementCounts.entries()]
          .sort((a, b) => b[1].ms - a[1].ms)
          .slice(0, 40)
          .map(([key, c]) => `${String(c.n).padStart(6)}  ${fmt(c.ms / c.n, 2).padStart(6)}  ${key}`),
      ];
      return lines.join('\n');
    },
  };
}

/**
 * CPU time (ms) used so far by this process and by the local PostgreSQL server's processes —
 * those serving `database` when it is named (Linux /proc; 0 for the server elsewhere): where the
 * 2 cores go during a run.
 */
export function cpuNow(database?: string): { hubMs: number; hubSystemMs: number; serverMs: number } {
  const own = process.cpuUsage();
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      if (!stat.includes('(postgres)')) continue;
      // Only the backends of this run's database, when named (other work may share the server).
      if (database && !readProcTitle(pid).includes(database)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    }
  } catch {
    ticks = 0;
  }
  return { hubMs: (own.user + own.system) / 1000, hubSystemMs: own.system / 1000, serverMs: ticks * 10 };
}

function readProcTitle(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
