// Association rules on groceries.csv: our FP-growth + rules against node-fpgrowth (the peer), in the
// same process on the same baskets. Run: npx tsx bench/rules.bench.ts [repetitions]
//
// node-fpgrowth only mines itemsets, so the headline ratio is ours (baskets → sorted rules) over the
// peer's itemset mining alone: the peer is timed doing less than we do. The peer's rules, derived
// from its itemsets outside the timing, must equal ours in number.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { FPGrowth } from 'node-fpgrowth';
import { datasetPath, hasDataset } from '../packages/server/src/core/datasets.ts';
import {
  mineAssociationRules,
  rulesFromItemsets,
} from '../packages/server/src/insights/rules/association-rules.ts';
import { parseBasketLines } from '../packages/server/src/insights/rules/baskets-csv.ts';

type Setting = { minSupport: number; minConfidence: number; minLen: number; expectedRules: number };

const SETTINGS: Setting[] = [
  { minSupport: 0.006, minConfidence: 0.25, minLen: 2, expectedRules: 463 },
  { minSupport: 0.001, minConfidence: 0.8, minLen: 1, expectedRules: 410 },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function time<T>(run: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

async function benchSetting({
  baskets,
  setting,
  repetitions,
}: {
  baskets: string[][];
  setting: Setting;
  repetitions: number;
}): Promise<boolean> {
  const { minSupport, minConfidence, minLen, expectedRules } = setting;
  const ours = () => mineAssociationRules({ baskets, minSupport, minConfidence, minLen });
  const peer = () => new FPGrowth<string>(minSupport).exec(baskets);

  // Warm both up so the JIT has compiled each before the clock runs.
  for (let i = 0; i < 2; i++) {
    ours();
    await peer();
  }
  const oursMs: number[] = [];
  const peerMs: number[] = [];
  let ourRules = 0;
  let peerItemsets: { items: string[]; support: number }[] = [];
  // Alternate the two so load from other processes on the machine falls on both alike.
  for (let i = 0; i < repetitions; i++) {
    const a = await time(ours);
    oursMs.push(a.ms);
    ourRules = a.value.rules.length;
    const b = await time(peer);
    peerMs.push(b.ms);
    peerItemsets = b.value;
  }
  const peerRules = rulesFromItemsets({
    itemsets: peerItemsets.map(({ items, support }) => ({ items, count: support })),
    transactions: baskets.length,
    minConfidence,
    minLen,
  }).length;

  const ourMedian = median(oursMs);
  const peerMedian = median(peerMs);
  const same = ourRules === peerRules && ourRules === expectedRules;
  console.log(
    [
      `support ${minSupport}, confidence ${minConfidence}, minLen ${minLen}:`,
      `  ours  (baskets → rules)     median ${ourMedian.toFixed(1)} ms  min ${Math.min(...oursMs).toFixed(1)} ms  → ${ourRules} rules`,
      `  peer  (node-fpgrowth sets)  median ${peerMedian.toFixed(1)} ms  min ${Math.min(...peerMs).toFixed(1)} ms  → ${peerItemsets.length} itemsets → ${peerRules} rules`,
      `  ratio ours / peer ${(ourMedian / peerMedian).toFixed(3)} (median), ${(Math.min(...oursMs) / Math.min(...peerMs)).toFixed(3)} (min)`,
      `  rule count ${same ? 'same' : 'DIFFERENT'} (arules: ${expectedRules})`,
    ].join('\n'),
  );
  return same;
}

async function main(): Promise<void> {
  if (!hasDataset('groceries.csv')) {
    console.error(`groceries.csv not found at ${datasetPath('groceries.csv')}`);
    process.exitCode = 1;
    return;
  }
  const repetitions = Number(process.argv[2] ?? 7);
  const baskets = parseBasketLines(readFileSync(datasetPath('groceries.csv'), 'utf8'));
  console.log(
    `groceries.csv: ${baskets.length} baskets; ${repetitions} timed runs each after 2 warm-ups; ` +
      `node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown cpu'} ×${os.cpus().length}`,
  );
  let allSame = true;
  for (const setting of SETTINGS)
    allSame = (await benchSetting({ baskets, setting, repetitions })) && allSame;
  if (!allSame) process.exitCode = 1;
}

await main();
