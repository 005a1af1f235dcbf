import { describe, expect, it } from 'vitest';
import {
  countUpperTail,
  DEFAULT_SPIKE_SETTINGS,
  detectSpikes,
  judgeHours,
  poissonUpperTail,
} from './spike-detector.ts';

/** Deterministic pseudo-random numbers (mulberry32), so noise scenarios are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function poisson(lambda: number, next: () => number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = next(); p > limit; p *= next()) k += 1;
  return k;
}

const hours = (n: number, f: (hour: number) => number) => Array.from({ length: n }, (_, h) => f(h));
const quiet = (n: number) => hours(n, (h) => (h % 7 === 0 ? 1 : 0)); // a complaint every seven hours

describe('negative mention spike detector', () => {
  // Scenario table: hourly negative counts in → spike episodes out ([first hour, last hour]).
  const scenarios: { name: string; counts: number[]; episodes: [number, number][] }[] = [
    {
      name: 'a quiet baseline then a burst of 20 in one hour → one alert',
      counts: [...quiet(48), 20, ...quiet(24)],
      episodes: [[48, 48]],
    },
    {
      name: 'a burst lasting three hours → one alert for the whole episode',
      counts: [...quiet(48), 9, 25, 12, ...quiet(24)],
      episodes: [[48, 50]],
    },
    {
      name: 'two bursts a day apart → two alerts',
      counts: [...quiet(48), 15, ...quiet(24), 15, ...quiet(5)],
      episodes: [
        [48, 48],
        [73, 73],
      ],
    },
    {
      name: 'a few complaints in a quiet hour (below the minimum count) → none',
      counts: [...quiet(48), 4, ...quiet(24)],
      episodes: [],
    },
    {
      name: 'a burst before there is enough history → none',
      counts: [...quiet(6), 30, ...quiet(24)],
      episodes: [],
    },
    {
      name: 'steady noise of a busy brand (Poisson, mean 4 an hour, two weeks) → none',
      counts: (() => {
        const next = random(7);
        return hours(24 * 14, () => poisson(4, next));
      })(),
      episodes: [],
    },
    {
      name: 'overdispersed noise (busy and calm hours, mean 6, two weeks) → none',
      counts: (() => {
        const next = random(11);
        return hours(24 * 14, () => poisson(next() < 0.5 ? 2 : 10, next));
      })(),
      episodes: [],
    },
    {
      name: 'a daily rhythm (quiet nights, busy days) → none',
      counts: (() => {
        const next = random(3);
        return hours(24 * 14, (h) => poisson(h % 24 >= 9 && h % 24 < 21 ? 5 : 1, next));
      })(),
      episodes: [],
    },
    {
      name: 'a burst on top of steady noise → one alert',
      counts: (() => {
        const next = random(5);
        const c = hours(24 * 7, () => poisson(4, next));
        c[150] = 30;
        return c;
      })(),
      episodes: [[150, 150]],
    },
  ];
  for (const scenario of scenarios) {
    it(scenario.name, () => {
      expect(detectSpikes(scenario.counts).map((e) => [e.start, e.end])).toEqual(scenario.episodes);
    });
  }

  it('measures a long spike against the quiet hours before it, then learns a lasting new level', () => {
    const counts = [...quiet(48), ...hours(40, () => 12)];
    const episodes = detectSpikes(counts);
    expect(episodes).toHaveLength(1);
    expect(episodes[0]!.start).toBe(48);
    // after adaptAfterHours the level is the new normal and the episode ends
    expect(episodes[0]!.end).toBeLessThan(counts.length - 1);
    expect(episodes[0]!.end).toBeGreaterThanOrEqual(48 + DEFAULT_SPIKE_SETTINGS.adaptAfterHours - 1);
  });

  it('reports the baseline and tail probability of each hour', () => {
    const verdicts = judgeHours([...quiet(48), 20]);
    const burst = verdicts.at(-1)!;
    expect(burst.spike).toBe(true);
    expect(burst.mean).toBeGreaterThan(0.05);
    expect(burst.mean).toBeLessThan(0.3);
    expect(burst.pValue).toBeLessThan(1e-10);
  });

  it('computes Poisson upper tails (checked against R ppois)', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    // 1 - ppois(4, 3) = 0.1847368
    expect(poissonUpperTail(5, 3)).toBeCloseTo(0.1847368, 6);
    // 1 - ppois(11, 4) = 0.0009142
    expect(poissonUpperTail(12, 4)).toBeCloseTo(0.000914, 5);
    // ppois(49, 2, lower.tail = FALSE) = 5.2143e-51: far tails keep their digits
    expect(poissonUpperTail(50, 2) / 5.2143e-51).toBeCloseTo(1, 3);
  });

  it('uses the negative binomial for overdispersed baselines (checked against a direct sum)', () => {
    const mean = 6;
    const variance = 22;
    const p = mean / variance;
    const r = (mean * mean) / (variance - mean);
    // pmf(j) = Γ(j + r) / (Γ(r) j!) p^r (1 − p)^j, built term by term from pmf(0) = p^r
    let pmf = p ** r;
    let below = 0;
    for (let j = 0; j < 21; j += 1) {
      below += pmf;
      pmf *= ((j + r) / (j + 1)) * (1 - p);
    }
    expect(countUpperTail({ x: 21, mean, variance })).toBeCloseTo(1 - below, 10);
    // wider than Poisson with the same mean
    expect(countUpperTail({ x: 21, mean, variance })).toBeGreaterThan(poissonUpperTail(21, mean) * 100);
    expect(countUpperTail({ x: 3, mean: 6, variance: 6 })).toBeCloseTo(poissonUpperTail(3, 6), 12);
  });
});
