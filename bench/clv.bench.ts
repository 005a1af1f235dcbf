// CLV benchmark: the full CDNOW fit (summary + BG/NBD + Gamma-Gamma + CLV of every customer),
// timed against a baseline measured in the same run: a plain Nelder-Mead fit of the same BG/NBD
// likelihood from the same start — what `lifetimes` does through SciPy. The ratio is free of the
// machine's speed and shows what the analytic-gradient BFGS buys over the derivative-free method.
// Run: npx tsx bench/clv.bench.ts [repetitions]
import { readFileSync } from 'node:fs';
import { bgNbdLogLikelihood, bgNbdObjective, fitBgNbd } from '../packages/server/src/insights/clv/bg-nbd.ts';
import {
  CDNOW_CALIBRATION_END,
  CDNOW_FILE,
  parseCdnow,
} from '../packages/server/src/insights/clv/cdnow-dataset.ts';
import { fitGammaGamma } from '../packages/server/src/insights/clv/gamma-gamma.ts';
import {
  customerLifetimeValue,
  estimateCustomerLifetimeValues,
} from '../packages/server/src/insights/clv/lifetime-value.ts';
import { minimizeNelderMead } from '../packages/server/src/insights/clv/optimize.ts';
import { summarizePurchases } from '../packages/server/src/insights/clv/purchase-summary.ts';
import { datasetPath } from '../packages/server/src/core/datasets.ts';

const repetitions = Number(process.argv[2] ?? 30);
const clvOptions = { horizonMonths: 12, monthlyDiscountRate: 0.01, timeUnit: 'week' } as const;

function time<T>(run: () => T): { ms: number[]; last: T } {
  // One untimed run first, so the JIT has compiled the hot loops before we measure.
  let last = run();
  const ms: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const start = performance.now();
    last = run();
    ms.push(performance.now() - start);
  }
  return { ms, last };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

const text = readFileSync(datasetPath(CDNOW_FILE), 'utf8');
const purchases = parseCdnow(text);
const summaries = summarizePurchases({ purchases, calibrationEnd: CDNOW_CALIBRATION_END, timeUnit: 'week' });
const transactions = fitBgNbd({ customers: summaries })._unsafeUnwrap();
const spend = fitGammaGamma({ customers: summaries })._unsafeUnwrap();

const parse = time(() => parseCdnow(text));
const summary = time(() =>
  summarizePurchases({ purchases, calibrationEnd: CDNOW_CALIBRATION_END, timeUnit: 'week' }),
);
const bgNbd = time(() => fitBgNbd({ customers: summaries })._unsafeUnwrap());
const gammaGamma = time(() => fitGammaGamma({ customers: summaries })._unsafeUnwrap());
const clv = time(() =>
  summaries.map((customer) => customerLifetimeValue({ transactions, spend, customer, ...clvOptions })),
);
const full = time(() =>
  estimateCustomerLifetimeValues({
    purchases,
    calibrationEnd: CDNOW_CALIBRATION_END,
    ...clvOptions,
  })._unsafeUnwrap(),
);
const baseline = time(() => {
  const { f, toParams } = bgNbdObjective(summaries);
  const result = minimizeNelderMead({ f: (theta) => f(theta).value, x0: [0, 0, 0, 0] });
  return { ...result, params: toParams(result.x) };
});

const baselineMs = median(baseline.ms);
const rows: [string, number[], string][] = [
  ['parse file (6,919 lines)', parse.ms, ''],
  ['summarise (2,357 customers)', summary.ms, ''],
  [
    'BG/NBD fit: BFGS + Newton',
    bgNbd.ms,
    `LL ${bgNbd.last.logLikelihood.toFixed(4)}, ${bgNbd.last.iterations} iterations`,
  ],
  ['Gamma-Gamma fit', gammaGamma.ms, `LL ${gammaGamma.last.logLikelihood.toFixed(4)}`],
  ['CLV, 12 months, all customers', clv.ms, `total ${clv.last.reduce((s, c) => s + c.clv, 0).toFixed(2)}`],
  ['full fit (summary → CLV)', full.ms, 'the figure'],
  [
    'baseline: BG/NBD Nelder-Mead',
    baseline.ms,
    `LL ${bgNbdLogLikelihood({ params: baseline.last.params, customers: summaries }).toFixed(4)}, ${baseline.last.evaluations} evaluations`,
  ],
];

console.log(
  `CLV benchmark on ${CDNOW_FILE}: median and min of ${repetitions} runs after one warm-up (Node ${process.version})\n`,
);
const header = ['step', 'median ms', 'min ms', '÷ baseline', 'note'];
const lines = rows.map(([name, ms, note]) => [
  name,
  median(ms).toFixed(2),
  Math.min(...ms).toFixed(2),
  (median(ms) / baselineMs).toFixed(3),
  note,
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
const format = (cells: readonly string[]): string =>
  cells
    .map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
    .join('  ');
console.log(format(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const line of lines) console.log(format(line));
console.log(
  `\nfull fit: ${median(full.ms).toFixed(1)} ms = ${(median(full.ms) / baselineMs).toFixed(3)} × the Nelder-Mead BG/NBD fit alone` +
    ` (BG/NBD by BFGS: ${(median(bgNbd.ms) / baselineMs).toFixed(3)} ×)`,
);
console.log(
  `fitted: r=${transactions.r.toFixed(4)} α=${transactions.alpha.toFixed(4)} a=${transactions.a.toFixed(4)} b=${transactions.b.toFixed(4)}` +
    `; p=${spend.p.toFixed(4)} q=${spend.q.toFixed(4)} γ=${spend.gamma.toFixed(4)}`,
);
