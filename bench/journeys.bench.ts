// Journey analytics over ~100k demo-like events (the seeded multi-channel journeys of the tests,
// at scale): paths with attribution, a three-step funnel with a breakdown, channel effectiveness
// by channel × segment × stage. Each is timed against a baseline measured in the same run on the
// same events: one plain scan, `SELECT customer_id, count(*) … GROUP BY customer_id`.
//   npx tsx bench/journeys.bench.ts [--db=pglite|postgres] [--customers=8000] [--repetitions=5]
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../packages/server/src/app.ts';
import { createLogger } from '../packages/server/src/core/logger.ts';
import { normalizeEvent } from '../packages/server/src/ingest/normalize-event.ts';
import {
  analyzeChannelEffectiveness,
  analyzeChannelPaths,
  analyzeFunnel,
} from '../packages/server/src/insights/journeys/journeys.service.ts';
import {
  EffectivenessBody,
  FunnelBody,
  PathsBody,
} from '../packages/server/src/insights/journeys/journeys.schema.ts';
import { syntheticJourneys } from '../packages/server/src/insights/journeys/synthetic-journeys.ts';
import { createWorkspaceWithOwner } from '../packages/server/src/workspaces/workspaces.service.ts';
import { arg, fmt, freshDatabase, progress } from './bench-support.ts';

const DB = arg('db', 'pglite') as 'pglite' | 'postgres';
const CUSTOMERS = Number(arg('customers', '8000'));
const REPETITIONS = Number(arg('repetitions', '5'));
const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const END = new Date('2025-06-01T00:00:00Z');
const period = { from: '2024-12-01T00:00:00Z', to: END.toISOString() };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const db = await freshDatabase(DB, SERVER, 'pishkhan_bench_journeys');
  const built = await buildApp({ db: db.opened.db, logger: createLogger('warn'), ingestFlushMs: 2 });
  const hubDb = built.hub.db;
  const { workspaceId } = await hubDb.asSystem((tx) =>
    createWorkspaceWithOwner(tx, {
      workspace: 'bench',
      email: 'journeys@bench.example',
      name: null,
      passwordHash: 'not-used',
      isDemo: false,
    }),
  );
  const calls = syntheticJourneys({ seed: 1405, customers: CUSTOMERS, end: END, historyDays: 360 }).flatMap(
    (c) => c.calls,
  );
  const loadStart = performance.now();
  const receivedAt = new Date();
  const source = { sourceId: null, sourceName: null, channel: 'web', traitPriority: 0 };
  for (let i = 0; i < calls.length; i += 500) {
    const events = calls.slice(i, i + 500).map((call) => normalizeEvent(call, receivedAt, source));
    await built.hub.ingest.ingest({ workspaceId, events });
    progress('loading', Math.min(calls.length, i + 500), calls.length);
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const scan = () =>
    hubDb.inWorkspace(workspaceId, (tx) =>
      tx.query('SELECT customer_id, count(*) FROM events WHERE workspace_id = $1 GROUP BY customer_id', [
        workspaceId,
      ]),
    );
  const runs: [string, () => Promise<unknown>][] = [
    ['baseline: count(*) per customer', scan],
    [
      'paths → Order Completed (30-day lookback)',
      async () =>
        (
          await analyzeChannelPaths(hubDb, { workspaceId, ...PathsBody.parse({ ...period }) })
        )._unsafeUnwrap(),
    ],
    [
      'paths → churn (60 days inactive)',
      async () =>
        (
          await analyzeChannelPaths(hubDb, {
            workspaceId,
            ...PathsBody.parse({ ...period, goal: { inactiveDays: 60 } }),
          })
        )._unsafeUnwrap(),
    ],
    [
      'funnel: viewed → checkout → order, by channel',
      async () =>
        (
          await analyzeFunnel(hubDb, {
            workspaceId,
            ...FunnelBody.parse({
              ...period,
              steps: [
                { event: 'Product Viewed' },
                { event: 'Checkout Started' },
                { event: 'Order Completed' },
              ],
              windowDays: 14,
              breakdown: 'channel',
            }),
          })
        )._unsafeUnwrap(),
    ],
    [
      'funnel: message → order, by customer type',
      async () =>
        (
          await analyzeFunnel(hubDb, {
            workspaceId,
            ...FunnelBody.parse({
              ...period,
              steps: [{ event: 'Message Sent' }, { event: 'Order Completed' }],
              breakdown: 'customerType',
            }),
          })
        )._unsafeUnwrap(),
    ],
    [
      'channel effectiveness (channel × segment × stage)',
      async () =>
        (
          await analyzeChannelEffectiveness(hubDb, { workspaceId, ...EffectivenessBody.parse({ ...period }) })
        )._unsafeUnwrap(),
    ],
  ];
  const [counted] = await hubDb.inWorkspace(workspaceId, (tx) =>
    tx.query<{ count: number }>('SELECT count(*)::int AS count FROM events WHERE workspace_id = $1', [
      workspaceId,
    ]),
  );
  const timings = new Map<string, number[]>(runs.map(([name]) => [name, []]));
  for (const [, run] of runs) await run(); // warm-up: JIT, plans, caches
  // Interleaved, so load from other processes falls on every analysis alike.
  for (let r = 0; r < REPETITIONS; r++)
    for (const [name, run] of runs) {
      const start = performance.now();
      await run();
      timings.get(name)!.push(performance.now() - start);
    }

  const baseline = median(timings.get(runs[0]![0])!);
  const lines = [
    `${DB}: ${fmt(counted?.count ?? 0)} events of ${fmt(CUSTOMERS)} customers (loaded in ${fmt(loadSeconds, 1)} s), median of ${REPETITIONS}`,
    '',
    '| analysis | median | ÷ baseline |',
    '| --- | --- | --- |',
    ...runs.map(([name]) => {
      const ms = median(timings.get(name)!);
      return `| ${name} | ${fmt(ms, 1)} ms | ${fmt(ms / baseline, 1)} |`;
    }),
  ];
  console.log(`\n${lines.join('\n')}`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`./results/journeys-${DB}.txt`, import.meta.url), `${lines.join('\n')}\n`);
  await built.close();
  await db.opened.close();
  await db.drop();
}

await main();
