// Kaplan–Meier survival of customer lifetimes, with the median, the restricted mean and a
// monthly life table — when customers leave, so an offer can go out before they do.

/** One customer's lifetime: `time` from start to churn (`event`) or to the last observation. */
export type Lifetime = { time: number; event: boolean };

export type SurvivalPoint = { time: number; survival: number; atRisk: number; events: number };

/**
 * The product-limit estimate: one point per distinct event time t, S(t) = Π (1 − dᵢ/nᵢ) over
 * event times ≤ t, nᵢ counting everyone whose time is ≥ tᵢ (a censoring at tᵢ is still at risk).
 */
export function kaplanMeier(lifetimes: readonly Lifetime[]): SurvivalPoint[] {
  const sorted = [...lifetimes].sort((a, b) => a.time - b.time);
  const points: SurvivalPoint[] = [];
  let survival = 1;
  for (let i = 0; i < sorted.length;) {
    const time = sorted[i]!.time;
    const atRisk = sorted.length - i;
    let events = 0;
    for (; i < sorted.length && sorted[i]!.time === time; i++) if (sorted[i]!.event) events++;
    if (events === 0) continue;
    survival *= 1 - events / atRisk;
    points.push({ time, survival, atRisk, events });
  }
  return points;
}

/** The first time S(t) ≤ ½, null while the curve stays above it. */
export function medianSurvival(curve: readonly SurvivalPoint[]): number | null {
  return curve.find((p) => p.survival <= 0.5)?.time ?? null;
}

/** ∫₀^τ S(t) dt for the step function (the mean lifetime restricted to τ). */
export function restrictedMean(curve: readonly SurvivalPoint[], tau: number): number {
  let area = 0;
  let previousTime = 0;
  let survival = 1;
  for (const p of curve) {
    if (p.time >= tau) break;
    area += survival * (p.time - previousTime);
    previousTime = p.time;
    survival = p.survival;
  }
  return area + survival * Math.max(0, tau - previousTime);
}

export type HazardInterval = { month: number; hazard: number; atRisk: number; events: number };

/**
 * The actuarial life table by interval of `width` (30 days for tenure months): of those entering
 * an interval, the share who churn in it, a censoring counting as half an interval at risk
 * (Cutler & Ederer 1958).
 */
export function hazardByInterval(lifetimes: readonly Lifetime[], width: number): HazardInterval[] {
  const last = lifetimes.reduce((max, l) => Math.max(max, l.time), 0);
  const intervals = Math.floor(last / width) + 1;
  const events = new Array<number>(intervals).fill(0);
  const censored = new Array<number>(intervals).fill(0);
  for (const l of lifetimes) {
    const k = Math.floor(l.time / width);
    if (l.event) events[k]!++;
    else censored[k]!++;
  }
  const rows: HazardInterval[] = [];
  let entering = lifetimes.length;
  for (let k = 0; k < intervals; k++) {
    const exposed = entering - censored[k]! / 2;
    rows.push({
      month: k,
      hazard: exposed > 0 ? events[k]! / exposed : 0,
      atRisk: entering,
      events: events[k]!,
    });
    entering -= events[k]! + censored[k]!;
  }
  return rows;
}
