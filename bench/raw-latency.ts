// PostgreSQL alone at the hub's half load: the floor the hub's latency is read against. The same
// event rows go in as the hub's calls bring them, a COPY of one call's rows per transaction (each
// committed, so durable, as an acknowledged call is), leaving on the same schedule. On this
// machine that floor moves by several times from one minute to the next (docs/benchmarks.md,
// "Ingest", ninth session), so the bench measures it in rounds between the hub's.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { copyIn } from '../packages/server/src/db/copy-in.ts';
import { copyTextChunks } from '../packages/server/src/db/copy-text.ts';
import { SESSION_SETTINGS } from '../packages/server/src/db/database.ts';
import { EVENT_COLUMNS } from '../packages/server/src/ingest/write-batch.ts';
import { serverCpuSeconds, type BenchDb } from './bench-support.ts';
import { openLoop } from './open-loop.mjs';

const TABLE = 'bench_raw_latency';
// Enough connections that a stalled commit does not hold back the calls that leave after it.
const CONNECTIONS = 16;

export type RawRound = { seconds: number; latencies: number[]; serverCpuSeconds: number | null };

export type RawLatency = {
  /** `calls` transactions of `batch` rows, leaving `callsPerSecond` a second; each one's latency in ms. */
  round(calls: number, callsPerSecond: number): Promise<RawRound>;
  close(): Promise<void>;
};

/**
 * A table like the events table, indexes included, holding what the events table holds now (so
 * its indexes are as deep), and the rows to append: the stored events' own, under new ids.
 */
export async function prepareRawLatency(db: BenchDb, batch: number): Promise<RawLatency> {
  const { db: database } = db.opened;
  await database.exec(
    `DROP TABLE IF EXISTS ${TABLE}; CREATE TABLE ${TABLE} (LIKE events INCLUDING INDEXES);
     INSERT INTO ${TABLE} SELECT * FROM events`,
  );
  const stored = await database.asSystem((tx) =>
    tx.query<Record<string, unknown>>(`SELECT ${EVENT_COLUMNS.join(',')} FROM events LIMIT 20000`),
  );
  const columns = EVENT_COLUMNS.map((c) => `"${c}"`).join(',');
  let sent = 0;
  const rowsOfCall = () =>
    Array.from({ length: batch }, () => {
      const row = stored[sent++ % stored.length]!;
      return EVENT_COLUMNS.map((c) =>
        c === 'id' ? randomUUID() : c === 'message_id' ? `raw-${sent}` : row[c],
      );
    });
  // Idle connections stay open: a backend that exits takes its CPU out of the server's figures.
  const pool = db.url
    ? new pg.Pool({ connectionString: db.url, max: CONNECTIONS, idleTimeoutMillis: 0 })
    : null;
  if (pool) {
    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => pool.connect()));
    // The hub's session settings, so both write their pages alike.
    await Promise.all(clients.map((client) => client.query(SESSION_SETTINGS)));
    for (const client of clients) client.release();
  }
  const append = async (rows: unknown[][]) => {
    if (!pool)
      // PGlite: one in-process connection; its bulk path, as the hub's.
      return database.asSystem((tx) => tx.appendRows(TABLE, EVENT_COLUMNS, rows));
    const client = await pool.connect();
    try {
      await copyIn(client, `COPY ${TABLE} (${columns}) FROM STDIN`, copyTextChunks(rows));
    } finally {
      client.release();
    }
  };

  return {
    async round(calls, callsPerSecond) {
      const cpuAtStart = serverCpuSeconds();
      const started = performance.now();
      // Open loop, as the load generator's: call i leaves at i / callsPerSecond s.
      // Each call's rows are made as it leaves: a round's worth made up front stayed live through
      // the bench's young-generation collections, which then paused it for 40–110 ms at a time.
      const latencies = await openLoop(calls, callsPerSecond, async () => {
        const rows = rowsOfCall();
        const sentAt = performance.now();
        await append(rows);
        return performance.now() - sentAt;
      });
      const cpu = serverCpuSeconds();
      return {
        seconds: (performance.now() - started) / 1000,
        latencies,
        serverCpuSeconds: cpu !== null && cpuAtStart !== null ? cpu - cpuAtStart : null,
      };
    },
    async close() {
      await pool?.end();
      await database.exec(`DROP TABLE IF EXISTS ${TABLE}`);
    },
  };
}
