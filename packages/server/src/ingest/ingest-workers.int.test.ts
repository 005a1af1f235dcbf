// Extra ingest processes (PISHKHAN_INGEST_WORKERS) on one PostgreSQL database: real processes,
// real HTTP, overlapping users and repeated messageIds sent to them at once; the result must be
// what one process writing everything in turn gives.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { basic, newWorkspace, startTestHub, type TestHub } from '../test-support/test-hub.ts';
import { createLogger } from '../core/logger.ts';
import { startIngestWorkers, type IngestWorkers } from './ingest-workers.ts';

describe.skipIf(!process.env.TEST_DATABASE_URL)('ingest worker processes', () => {
  let hub: TestHub;
  let workers: IngestWorkers;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;

  beforeAll(async () => {
    hub = await startTestHub();
    ws = await newWorkspace(hub);
    workers = await startIngestWorkers({
      count: 2,
      databaseUrl: hub.databaseUrl!,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      logger: createLogger('silent'),
      metrics: hub.hub.metrics,
    });
  }, 60_000);
  afterAll(async () => {
    await workers?.stop();
    await hub?.stop();
  });

  const post = async (batch: Record<string, unknown>[]) => {
    const response = await fetch(`${workers.address}/v1/batch`, {
      method: 'POST',
      headers: { authorization: basic(ws.writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({ batch }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as { accepted: number; duplicates: number };
  };

  it('stores every event once and makes one profile per person, whichever process took it', async () => {
    const users = 40;
    const batches = Array.from({ length: 24 }, (_, b) =>
      Array.from({ length: 20 }, (_, i) => {
        const user = (b * 7 + i) % users;
        // Each message is sent twice, in different batches (likely to different processes).
        const n = Math.floor(b / 2) * 20 + i;
        return i % 4 === 0
          ? {
              type: 'identify',
              messageId: `m-${n}`,
              anonymousId: `anon-${user}-${n % 3}`,
              userId: `user-${user}`,
              traits: { email: `user${user}@example.ir`, phone: `0912${String(1_000_000 + user)}` },
            }
          : { type: 'track', messageId: `m-${n}`, userId: `user-${user}`, event: 'Viewed' };
      }),
    );
    const replies = await Promise.all(batches.map(post));
    const stored = (sql: string) =>
      hub.database.db.asSystem((tx) => tx.query<{ n: number }>(sql, [ws.workspaceId]));
    const distinctMessages = new Set(batches.flat().map((e) => e.messageId)).size;
    expect(replies.reduce((sum, r) => sum + r.accepted, 0)).toBe(distinctMessages);
    expect(await stored('SELECT count(*)::int AS n FROM events WHERE workspace_id = $1')).toEqual([
      { n: distinctMessages },
    ]);
    // One live profile per user, holding that user's email and phone; no identity twice.
    const [profiles] = await stored(
      `SELECT count(DISTINCT customer_id)::int AS n FROM identities WHERE workspace_id = $1 AND type = 'userId'`,
    );
    expect(profiles!.n).toBe(new Set(batches.flat().map((e) => e.userId)).size);
    expect(
      await stored(
        `SELECT count(*)::int AS n FROM identities i JOIN identities u
           ON u.workspace_id = i.workspace_id AND u.customer_id = i.customer_id AND u.type = 'userId'
         WHERE i.workspace_id = $1 AND i.type = 'email' AND i.value <> replace(u.value, 'user-', 'user') || '@example.ir'`,
      ),
    ).toEqual([{ n: 0 }]);
    expect(
      await stored(
        `SELECT count(*)::int AS n FROM events e JOIN customers c ON c.workspace_id = e.workspace_id AND c.id = e.customer_id
         WHERE e.workspace_id = $1 AND c.merged_into IS NOT NULL`,
      ),
    ).toEqual([{ n: 0 }]);
  }, 60_000);

  /** The hub's /metrics: the sum of every series whose line starts with `series`. */
  const scrapeHub = async () => {
    const text = (await hub.app.inject({ method: 'GET', url: '/metrics' })).body;
    const sum = (series: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith(series))
        .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    return {
      ingested: sum('pishkhan_events_ingested_total{'),
      duplicates: sum('pishkhan_events_duplicate_total'),
      batchRequests: sum('pishkhan_http_requests_total{route="/v1/batch",status="200"}'),
      flushes: sum('pishkhan_ingest_flush_seconds_count'),
    };
  };

  it("counts in the hub's /metrics the events the ingest processes took, also after they ended", async () => {
    const before = await scrapeHub();
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 25 }, (_, i) => ({
        type: 'track',
        messageId: `counted-${b}-${i}`,
        userId: `user-${i}`,
        event: 'Counted',
      })),
    );
    await Promise.all(batches.map(post));
    await post(batches[0]!); // every event a repeat
    const after = await scrapeHub();
    expect(after.ingested - before.ingested).toBe(150);
    expect(after.duplicates - before.duplicates).toBe(25);
    expect(after.batchRequests - before.batchRequests).toBe(7);
    expect(after.flushes).toBeGreaterThan(before.flushes);

    // Ended processes' figures stay in the sums, killed or stopped: a counter never goes down.
    const [killed] = workers.pids();
    process.kill(killed!, 'SIGKILL');
    await vi.waitFor(() => expect(workers.pids()).not.toContain(killed), { timeout: 10_000 });
    expect(await scrapeHub()).toEqual(after);
    await workers.stop();
    expect(await scrapeHub()).toEqual(after);
  }, 60_000);
});
