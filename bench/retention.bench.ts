// Retention analytics on CDNOW loaded through the hub (6,919 orders of 2,357 customers; --copies
// repeats them under other ids for a larger run): the churn fit (the per-customer aggregates in
// one scan, two logistic fits, scoring and storing) and the Kaplan–Meier survival analysis, timed
// against a baseline measured in the same run: reading the churn fit's per-customer aggregates.
//   npx tsx bench/retention.bench.ts [--db=pglite|postgres] [--copies=1] [--repetitions=5]
import { performance } from 'node:perf_hooks';
import { buildApp } from '../packages/server/src/app.ts';
import { createLogger } from '../packages/server/src/core/logger.ts';
import { normalizeEvent } from '../packages/server/src/ingest/normalize-event.ts';
import {
  CDNOW_CALIBRATION_END,
  readCdnowPurchases,
} from '../packages/server/src/insights/clv/cdnow-dataset.ts';
import { readChurnHistories } from '../packages/server/src/insights/churn/churn-queries.ts';
import { fitChurnModel } from '../packages/server/src/insights/churn/churn.service.ts';
import { analyzeSurvival } from '../packages/server/src/insights/survival/survival.service.ts';
import { createWorkspaceWithOwner } from '../packages/server/src/workspaces/workspaces.service.ts';
import { arg, fmt, freshDatabase } from './bench-support.ts';

const DB = arg('db', 'pglite') as 'pglite' | 'postgres';
const COPIES = Number(arg('copies', '1'));
const REPETITIONS = Number(arg('repetitions', '5'));
const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const db = await freshDatabase(DB, SERVER, 'pishkhan_bench_retention');
  const built = await buildApp({ db: db.opened.db, logger: createLogger('warn'), ingestFlushMs: 2 });
  const hubDb = built.hub.db;
  const { workspaceId } = await hubDb.asSystem((tx) =>
    createWorkspaceWithOwner(tx, {
      workspace: 'bench',
      email: 'retention@bench.example',
      name: null,
      passwordHash: 'not-used',
      isDemo: false,
    }),
  );
  // Each copy is another set of customers with the same histories (ids suffixed).
  const purchases = readCdnowPurchases();
  const latestOrder = new Date(Math.max(...purchases.map((p) => p.at.getTime())));
  const calls = Array.from({ length: COPIES }, (_, copy) =>
    purchases.map((p, i) => ({
      type: 'track' as const,
      event: 'Order Completed',
      userId: `cdnow-${p.customerId}-${copy}`,
      messageId: `cdnow-${copy}-${i}`,
      timestamp: p.at.toISOString(),
      properties: { revenue: p.amount },
    })),
  ).flat();
  const receivedAt = new Date();
  const source = { sourceId: null, sourceName: null, channel: 'web', traitPriority: 0 };
  const loadStart = performance.now();
  for (let i = 0; i < calls.length; i += 500) {
    const events = calls.slice(i, i + 500).map((call) => normalizeEvent(call, receivedAt, source));
    await built.hub.ingest.ingest({ workspaceId, events });
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;

  let auc = NaN;
  let baselineAuc = NaN;
  let median90: number | null = null;
  const runs: [string, () => Promise<unknown>][] = [
    [
      'baseline: read the per-customer aggregates',
      () =>
        hubDb.inWorkspace(workspaceId, (tx) =>
          readChurnHistories(tx, {
            workspaceId,
            cutoff: CDNOW_CALIBRATION_END,
            windowDays: 273,
            latest: latestOrder,
          }),
        ),
    ],
    [
      'churn fit (features, labels, 2 fits, score + store all)',
      async () => {
        const fit = (
          await fitChurnModel(hubDb, { workspaceId, cutoff: CDNOW_CALIBRATION_END, churnWindowDays: 273 })
        )._unsafeUnwrap();
        auc = fit.auc;
        baselineAuc = fit.baselineAuc;
      },
    ],
    [
      'survival: Kaplan–Meier, RMST, hazard by month',
      async () => {
        median90 = (await analyzeSurvival(hubDb, { workspaceId, churnAfterDays: 90 }))._unsafeUnwrap()
          .medianLifetimeDays;
      },
    ],
  ];
  const timings = new Map<string, number[]>(runs.map(([name]) => [name, []]));
  for (const [, run] of runs) await run(); // warm-up: JIT, plans, caches
  for (let r = 0; r < REPETITIONS; r++)
    for (const [name, run] of runs) {
      const start = performance.now();
      await run();
      timings.get(name)!.push(performance.now() - start);
    }
  const baseline = median(timings.get(runs[0]![0])!);
  console.log(
    `retention on ${DB}: ${fmt(calls.length)} orders of ${fmt(2357 * COPIES)} customers, loaded in ${fmt(loadSeconds, 1)} s; median of ${REPETITIONS}`,
  );
  for (const [name] of runs) {
    const ms = median(timings.get(name)!);
    console.log(`  ${name.padEnd(58)} ${fmt(ms, 1).padStart(8)} ms  ×${fmt(ms / baseline, 2)}`);
  }
  console.log(
    `  hold-out AUC ${auc.toFixed(4)} (recency only ${baselineAuc.toFixed(4)}); median lifetime ${median90} days`,
  );
  await built.close();
  await db.opened.close();
  await db.drop();
}

await main();
