// PGlite never gathers planner statistics by itself: the hub's sweep does, for the hub's tables.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.ts';
import { createLogger } from '../core/logger.ts';
import { newWorkspace, send, startTestHub, type TestHub } from '../test-support/test-hub.ts';
import type { Database } from './database.ts';
import { openDatabase } from './open-database.ts';
import { refreshTableStatistics } from './table-statistics.ts';

const sendEvents = async (hub: TestHub, writeKey: string, count: number, from = 0) => {
  for (let start = from; start < from + count; start += 500) {
    const batch = Array.from({ length: Math.min(500, from + count - start) }, (_, i) => ({
      type: 'track',
      messageId: `m-${start + i}`,
      userId: `user-${(start + i) % 50}`,
      event: 'Viewed',
    }));
    const response = await send(hub, writeKey, 'batch', { batch });
    expect(response.statusCode, response.body).toBe(200);
  }
};

const eventsStatistics = async (db: Database) => {
  const [table] = await db.run<{ reltuples: number }>(
    `SELECT reltuples::int AS reltuples FROM pg_class WHERE oid = 'public.events'::regclass`,
  );
  const [columns] = await db.run<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = 'public' AND tablename = 'events'`,
  );
  return { rows: table!.reltuples, columnsWithStatistics: columns!.n };
};

describe('table statistics', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.stop());

  it('analyses the events table once events are stored, and again once it grew by more than a tenth', async () => {
    const { writeKey } = await newWorkspace(hub);
    const db = hub.database.db;
    await sendEvents(hub, writeKey, 300);

    expect((await refreshTableStatistics(db)).analysed).toContain('public.events');
    const statistics = await eventsStatistics(db);
    expect(statistics.rows).toBe(300);
    expect(statistics.columnsWithStatistics).toBeGreaterThan(0);

    await sendEvents(hub, writeKey, 3000, 300);
    expect((await refreshTableStatistics(db)).analysed).toContain('public.events');
    expect((await eventsStatistics(db)).rows).toBe(3300);
  });

  it('leaves alone tables that are empty or barely changed since their last ANALYZE', async () => {
    const db = hub.database.db;
    await refreshTableStatistics(db);
    await newWorkspace(hub);
    const again = (await refreshTableStatistics(db)).analysed;
    expect(again).not.toContain('public.workspaces');
    expect(again).not.toContain('public.macros');
  });
});

describe.skipIf(process.env.TEST_DATABASE_URL)('statistics of the embedded database', () => {
  it('vacuums a table once many of its rows are dead, and leaves it alone while few are', async () => {
    const database = await openDatabase({ inMemory: true });
    const built = await buildApp({ db: database.db, logger: createLogger('silent'), analyzeCheckMs: 0 });
    const hub: TestHub = { ...built, database, stop: async () => undefined };
    const deadRows = async () => {
      await database.db.run('SELECT pg_stat_force_next_flush()');
      const [row] = await database.db.run<{ dead: number }>(
        `SELECT pg_stat_get_dead_tuples('public.events'::regclass)::int AS dead`,
      );
      return row!.dead;
    };
    try {
      const { writeKey } = await newWorkspace(hub);
      await sendEvents(hub, writeKey, 1000);
      await refreshTableStatistics(database.db);
      // Fewer dead rows than autovacuum's rule (50 + 20 % of 1,000): analysed at most, not vacuumed.
      await database.db.run(`DELETE FROM events WHERE message_id IN ('m-0', 'm-1', 'm-2')`);
      expect((await refreshTableStatistics(database.db)).vacuumed).not.toContain('public.events');
      expect(await deadRows()).toBe(3);
      // As retention would: most rows deleted.
      await database.db.run(`DELETE FROM events WHERE message_id NOT LIKE 'm-9%'`);
      expect(await deadRows()).toBeGreaterThan(250);
      expect((await refreshTableStatistics(database.db)).vacuumed).toContain('public.events');
      expect(await deadRows()).toBe(0);
    } finally {
      await built.close();
      await database.close();
    }
  });

  it('are gathered by the hub by itself soon after events arrive', async () => {
    const database = await openDatabase({ inMemory: true });
    const built = await buildApp({ db: database.db, logger: createLogger('silent'), analyzeCheckMs: 100 });
    const hub: TestHub = { ...built, database, stop: async () => undefined };
    try {
      const { writeKey } = await newWorkspace(hub);
      await sendEvents(hub, writeKey, 200);
      await vi.waitFor(async () => expect((await eventsStatistics(database.db)).rows).toBe(200), {
        timeout: 5000,
        interval: 100,
      });
    } finally {
      await built.close();
      await database.close();
    }
  });
});
