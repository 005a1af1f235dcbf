// Spikes of negative brand mentions over hourly buckets. The baseline of an hour is an
// exponentially weighted mean and variance of the hours before it (EWMA). An hour is a spike when
// it reaches a minimum count, lies above mean + k·σ, and is improbable under a count law with the
// baseline's mean and variance: Poisson when the variance is no larger than the mean, negative
// binomial when it is (real mention streams are bursty: a Poisson test alone alerts on every busy
// afternoon). The tail test is what matters for a quiet brand, where σ is near 0 and a single
// complaint would otherwise be "3σ"; the k·σ test and the minimum count keep small numbers honest.

export type SpikeSettings = {
  /** EWMA weight of the newest hour: 0.05 remembers about the last 20–40 hours. */
  alpha: number;
  /** Standard deviations above the mean an hour must reach. */
  k: number;
  /** Poisson upper-tail probability an hour must fall below. */
  pValue: number;
  /** Fewest negative mentions in one hour that can make a spike. */
  minCount: number;
  /** Hours of history needed before anything is called a spike. */
  minHistoryHours: number;
  /** Lowest baseline mean used (a brand never mentioned still has some chance of a complaint). */
  meanFloor: number;
  /** After this many spike hours in a row the level is the new normal: the baseline learns it. */
  adaptAfterHours: number;
};

export const DEFAULT_SPIKE_SETTINGS: SpikeSettings = {
  alpha: 0.05,
  k: 3,
  pValue: 0.0001,
  minCount: 5,
  minHistoryHours: 12,
  meanFloor: 0.2,
  adaptAfterHours: 24,
};

export type BucketVerdict = {
  count: number;
  spike: boolean;
  /** The baseline before this hour. */
  mean: number;
  std: number;
  pValue: number;
};

export type SpikeEpisode = {
  /** Index of the first and last spike hour in the series. */
  start: number;
  end: number;
  total: number;
  peak: number;
  /** Baseline and tail probability of the first hour. */
  mean: number;
  std: number;
  pValue: number;
};

/** P(X ≥ x) for X ~ Poisson(λ). */
export function poissonUpperTail(x: number, lambda: number): number {
  return countUpperTail({ x, mean: lambda, variance: lambda });
}

/**
 * P(X ≥ x) for a count with this mean and variance: Poisson when the variance is the mean,
 * negative binomial when it is larger (overdispersed: bursty brands). Far tails are summed
 * upwards from x, so a probability of 1e-40 keeps its digits.
 */
export function countUpperTail(input: { x: number; mean: number; variance: number }): number {
  const { x, mean } = input;
  if (x <= 0) return 1;
  if (mean <= 0) return 0;
  const overdispersed = input.variance > mean * (1 + 1e-9);
  const p = overdispersed ? mean / input.variance : 0;
  const r = overdispersed ? (mean * mean) / (input.variance - mean) : 0;
  // pmf(0) and pmf(j + 1) / pmf(j)
  const logFirst = overdispersed ? r * Math.log(p) : -mean;
  const ratio = overdispersed ? (j: number) => ((j + r) / (j + 1)) * (1 - p) : (j: number) => mean / (j + 1);
  if (x <= mean) {
    let term = Math.exp(logFirst);
    let below = 0;
    for (let j = 0; j < x; j += 1) {
      below += term;
      term *= ratio(j);
    }
    return Math.min(1, Math.max(0, 1 - below));
  }
  let logTerm = logFirst;
  for (let j = 0; j < x; j += 1) logTerm += Math.log(ratio(j));
  let term = Math.exp(logTerm);
  let sum = 0;
  // Past the mode the terms fall at least geometrically.
  for (let j = x; term > 0 && term >= sum * 1e-16; j += 1) {
    sum += term;
    term *= ratio(j);
  }
  return Math.min(1, sum);
}

/**
 * A verdict for every hour of a contiguous hourly series (oldest first). Spike hours do not
 * update the baseline, so a long spike is still measured against the quiet hours before it —
 * until it has lasted `adaptAfterHours`, when it is taken for a new level.
 */
export function judgeHours(
  counts: readonly number[],
  settings: SpikeSettings = DEFAULT_SPIKE_SETTINGS,
): BucketVerdict[] {
  const verdicts: BucketVerdict[] = [];
  const warmUp = Math.min(settings.minHistoryHours, counts.length);
  // Start the EWMA from the plain mean and variance of the warm-up hours, not from the first hour.
  const first = counts.slice(0, warmUp);
  let mean = first.length > 0 ? first.reduce((a, b) => a + b, 0) / first.length : 0;
  let variance = first.length > 1 ? first.reduce((a, b) => a + (b - mean) ** 2, 0) / (first.length - 1) : 0;
  let spikeRun = 0;
  counts.forEach((count, hour) => {
    const lambda = Math.max(mean, settings.meanFloor);
    const std = Math.sqrt(variance);
    const pValue = countUpperTail({ x: count, mean: lambda, variance: Math.max(variance, lambda) });
    const spike =
      hour >= settings.minHistoryHours &&
      count >= settings.minCount &&
      pValue < settings.pValue &&
      count > mean + settings.k * std;
    verdicts.push({ count, spike, mean, std, pValue });
    spikeRun = spike ? spikeRun + 1 : 0;
    if (hour >= warmUp && (!spike || spikeRun > settings.adaptAfterHours)) {
      const delta = count - mean;
      mean += settings.alpha * delta;
      variance = (1 - settings.alpha) * (variance + settings.alpha * delta * delta);
    }
  });
  return verdicts;
}

/** Consecutive spike hours as one episode each: one alert per episode, not one per hour. */
export function spikeEpisodes(verdicts: readonly BucketVerdict[]): SpikeEpisode[] {
  const episodes: SpikeEpisode[] = [];
  verdicts.forEach((verdict, hour) => {
    if (!verdict.spike) return;
    const open = episodes.at(-1);
    if (open && open.end === hour - 1) {
      open.end = hour;
      open.total += verdict.count;
      open.peak = Math.max(open.peak, verdict.count);
      return;
    }
    episodes.push({
      start: hour,
      end: hour,
      total: verdict.count,
      peak: verdict.count,
      mean: verdict.mean,
      std: verdict.std,
      pValue: verdict.pValue,
    });
  });
  return episodes;
}

/** Episodes of a series in one call (what the scenario tests drive). */
export function detectSpikes(
  counts: readonly number[],
  settings: SpikeSettings = DEFAULT_SPIKE_SETTINGS,
): SpikeEpisode[] {
  return spikeEpisodes(judgeHours(counts, settings));
}
