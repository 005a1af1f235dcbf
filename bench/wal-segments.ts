// The server's WAL segments around the latency phase. PostgreSQL writes its log into 16 MB files;
// when none is left over from a checkpoint to recycle, the commit that needs the next one waits
// while a new file is written full of zeros and flushed (`wal_init_zero`), ~100 ms on this
// machine's disk, and every other commit waits behind it. A server in steady ingest recycles the
// files of each checkpoint cycle for the next (up to `max_wal_size`); a fresh database on a quiet
// server has a handful. Measured in the sixteenth session (docs/benchmarks.md).
import pg from 'pg';

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const filesInWal = async (client: pg.Client) =>
  (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_ls_waldir()')).rows[0]!.n;

/**
 * Leaves the server holding as many recycled segments as it keeps in steady ingest: as many as
 * `max_wal_size` allows are used (each switch moves the log to a new file), then a checkpoint
 * recycles them for what comes next. Returns the files pg_wal then holds.
 */
export async function readyWalSegments(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ mb: number }>(
      `SELECT setting::int AS mb FROM pg_settings WHERE name = 'max_wal_size'`,
    );
    const wanted = Math.floor(rows[0]!.mb / 16) - 1;
    await client.query('CREATE TABLE IF NOT EXISTS bench_wal_filler (n int)');
    // A switch with nothing written since the last one stays in the same file.
    for (let i = 0; i < wanted; i++)
      await client.query('INSERT INTO bench_wal_filler VALUES (1); SELECT pg_switch_wal()');
    await client.query('DROP TABLE bench_wal_filler; CHECKPOINT');
    return filesInWal(client);
  });
}

/** Starts counting the segments the server creates; the returned function stops and answers. */
export async function countWalSegmentsCreated(url: string): Promise<() => Promise<number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let last = await filesInWal(client);
  let created = 0;
  let counting = true;
  // A checkpoint removes files too, so the count is of rises between samples, not of the end's.
  const sampling = (async () => {
    while (counting) {
      await new Promise((r) => setTimeout(r, 100));
      const now = await filesInWal(client);
      created += Math.max(0, now - last);
      last = now;
    }
  })();
  return async () => {
    counting = false;
    await sampling;
    await client.end();
    return created;
  };
}
