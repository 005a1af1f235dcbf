// The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the easy
// way"): while alive a customer buys at a Poisson rate λ ~ Gamma(r, α), and after each purchase
// drops out with probability p ~ Beta(a, b).
import { err, ok, type Result } from 'neverthrow';
import type { ClvFitError } from './clv.errors.ts';
import { minimizeBfgs, newtonPolish, type Vector } from './optimize.ts';
import { hypergeometric2F1 } from './special-functions.ts';

export type BgNbdParams = { r: number; alpha: number; a: number; b: number };

export type BgNbdFit = BgNbdParams & {
  logLikelihood: number;
  customers: number;
  iterations: number;
  /** Largest gradient component of the mean log-likelihood in log-parameters at the optimum. */
  gradientNorm: number;
};

/** What the model needs of a customer: `x`, `t_x` and `T` in the notation of the paper. */
export type RepeatHistory = { frequency: number; recency: number; T: number };

// Customers with the same (x, t_x, T) contribute the same term: CDNOW's 2,357 reduce to ~1,100.
type Group = { x: number; tx: number; T: number; weight: number };

function groupHistories(customers: readonly RepeatHistory[]): Group[] {
  const groups = new Map<string, Group>();
  for (const { frequency: x, recency: tx, T } of customers) {
    if (!(x >= 0 && tx >= 0 && T >= tx) || !Number.isInteger(x) || (x === 0 && tx !== 0)) {
      throw new RangeError(`BG/NBD: inconsistent history (frequency=${x}, recency=${tx}, T=${T})`);
    }
    const key = `${x}|${tx}|${T}`;
    const group = groups.get(key);
    if (group) group.weight++;
    else groups.set(key, { x, tx, T, weight: 1 });
  }
  return [...groups.values()];
}

/**
 * log Γ(s+x) − log Γ(s) and ψ(s+x) − ψ(s) for x = 0..maxX, by the recurrence Γ(s+1) = sΓ(s).
 * Frequencies are small integers shared by many customers, so one pass per evaluation replaces
 * three log-gamma and four digamma calls per customer group.
 */
function risingTables({ s, maxX }: { s: number; maxX: number }): {
  logRatio: Float64Array;
  psiDiff: Float64Array;
} {
  const logRatio = new Float64Array(maxX + 1);
  const psiDiff = new Float64Array(maxX + 1);
  for (let x = 1; x <= maxX; x++) {
    logRatio[x] = (logRatio[x - 1] ?? 0) + Math.log(s + x - 1);
    psiDiff[x] = (psiDiff[x - 1] ?? 0) + 1 / (s + x - 1);
  }
  return { logRatio, psiDiff };
}

/** Total log-likelihood and its gradient with respect to (r, α, a, b). */
function logLikelihoodWithGradient({ params, groups }: { params: BgNbdParams; groups: readonly Group[] }): {
  value: number;
  gradient: [number, number, number, number];
} {
  const { r, alpha, a, b } = params;
  const logAlpha = Math.log(alpha);
  const logA = Math.log(a);
  const maxX = groups.reduce((m, g) => Math.max(m, g.x), 0);
  // A1 + A2 of the paper: Γ(r+x)/Γ(r) · Γ(a+b)/Γ(a+b+x) · Γ(b+x)/Γ(b), the Γ(r), Γ(a+b), Γ(b) cancelling.
  const ofR = risingTables({ s: r, maxX });
  const ofB = risingTables({ s: b, maxX });
  const ofAB = risingTables({ s: a + b, maxX });
  let value = 0;
  let dr = 0;
  let dAlpha = 0;
  let da = 0;
  let db = 0;
  for (const { x, tx, T, weight } of groups) {
    const rx = r + x;
    const logAlphaT = Math.log(alpha + T);
    const a12 = (ofR.logRatio[x] ?? 0) + r * logAlpha + (ofB.logRatio[x] ?? 0) - (ofAB.logRatio[x] ?? 0);
    const a3 = -rx * logAlphaT;
    let gr = (ofR.psiDiff[x] ?? 0) + logAlpha;
    let gAlpha = r / alpha;
    let ga = -(ofAB.psiDiff[x] ?? 0);
    let gb = (ofB.psiDiff[x] ?? 0) - (ofAB.psiDiff[x] ?? 0);
    let logSum = a3;
    if (x === 0) {
      gr -= logAlphaT;
      gAlpha -= rx / (alpha + T);
    } else {
      const logAlphaTx = Math.log(alpha + tx);
      const a4 = logA - Math.log(b + x - 1) - rx * logAlphaTx;
      // log(e^A3 + e^A4) without overflow; w3 and w4 are the shares of the two terms.
      const top = Math.max(a3, a4);
      const e3 = Math.exp(a3 - top);
      const e4 = Math.exp(a4 - top);
      logSum = top + Math.log(e3 + e4);
      const w3 = e3 / (e3 + e4);
      const w4 = 1 - w3;
      gr -= w3 * logAlphaT + w4 * logAlphaTx;
      gAlpha -= w3 * (rx / (alpha + T)) + w4 * (rx / (alpha + tx));
      ga += w4 / a;
      gb -= w4 / (b + x - 1);
    }
    value += weight * (a12 + logSum);
    dr += weight * gr;
    dAlpha += weight * gAlpha;
    da += weight * ga;
    db += weight * gb;
  }
  return { value, gradient: [dr, dAlpha, da, db] };
}

/** The BG/NBD log-likelihood of a set of customers (natural log, summed over customers). */
export function bgNbdLogLikelihood({
  params,
  customers,
}: {
  params: BgNbdParams;
  customers: readonly RepeatHistory[];
}): number {
  return logLikelihoodWithGradient({ params, groups: groupHistories(customers) }).value;
}

/** Gradient of the log-likelihood with respect to (r, α, a, b), in that order. */
export function bgNbdLogLikelihoodGradient({
  params,
  customers,
}: {
  params: BgNbdParams;
  customers: readonly RepeatHistory[];
}): [number, number, number, number] {
  return logLikelihoodWithGradient({ params, groups: groupHistories(customers) }).gradient;
}

function paramsFromLog(theta: Vector): BgNbdParams {
  return {
    r: Math.exp(theta[0] ?? 0),
    alpha: Math.exp(theta[1] ?? 0),
    a: Math.exp(theta[2] ?? 0),
    b: Math.exp(theta[3] ?? 0),
  };
}

/** The fit's objective: mean negative log-likelihood over log-parameters, on time-rescaled groups. */
export function bgNbdObjective(customers: readonly RepeatHistory[]): {
  f: (theta: Vector) => { value: number; gradient: number[] };
  toParams: (theta: Vector) => BgNbdParams;
  count: number;
} {
  const raw = groupHistories(customers);
  const maxT = raw.reduce((m, g) => Math.max(m, g.T), 0);
  // Rescaling time so the longest T is 10 makes α of order one, like r, a and b, which keeps the
  // problem well conditioned whatever the unit; it only shifts the log-likelihood by a constant.
  const scale = maxT > 0 ? 10 / maxT : 1;
  const groups = raw.map((g) => ({ ...g, tx: g.tx * scale, T: g.T * scale }));
  const count = customers.length;
  const f = (theta: Vector): { value: number; gradient: number[] } => {
    const params = paramsFromLog(theta);
    const { value, gradient } = logLikelihoodWithGradient({ params, groups });
    const natural = [params.r, params.alpha, params.a, params.b];
    return { value: -value / count, gradient: gradient.map((g, i) => (-g * (natural[i] ?? 0)) / count) };
  };
  const toParams = (theta: Vector): BgNbdParams => {
    const params = paramsFromLog(theta);
    return { ...params, alpha: params.alpha / scale };
  };
  return { f, toParams, count };
}

/**
 * Maximum-likelihood fit by BFGS on log-parameters with the analytic gradient, polished by Newton
 * steps. Starts from r = α' = a = b = 1 (α' on the rescaled clock) unless told otherwise.
 */
export function fitBgNbd({
  customers,
  startLogParams = [0, 0, 0, 0],
}: {
  customers: readonly RepeatHistory[];
  startLogParams?: Vector;
}): Result<BgNbdFit, ClvFitError> {
  const repeatCustomers = customers.filter((c) => c.frequency > 0).length;
  if (repeatCustomers === 0) {
    return err({
      type: 'not-enough-data',
      model: 'bg-nbd',
      usableCustomers: customers.length,
      repeatCustomers,
    });
  }
  const { f, toParams, count } = bgNbdObjective(customers);
  const bfgs = minimizeBfgs({ f, x0: startLogParams });
  const best = newtonPolish({ f, start: bfgs });
  const gradientNorm = best.gradient.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
  if (gradientNorm > 1e-6 || !Number.isFinite(best.value)) {
    return err({ type: 'fit-did-not-converge', model: 'bg-nbd', iterations: best.iterations, gradientNorm });
  }
  const params = toParams(best.x);
  return ok({
    ...params,
    logLikelihood: bgNbdLogLikelihood({ params, customers }),
    customers: count,
    iterations: best.iterations,
    gradientNorm,
  });
}

/** P(alive | x, t_x, T): a customer who never came back cannot have dropped out yet. */
export function probabilityAlive({
  params,
  customer,
}: {
  params: BgNbdParams;
  customer: RepeatHistory;
}): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, recency: tx, T } = customer;
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in the next t time units (eq. 10 of the paper).
 * The paper's ₂F₁(r+x, b+x; a+b+x−1; z) goes through Euler's transformation to
 * (1−z)^(a−1−r−x) ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose upper parameters do not grow with x:
 * its series then converges steadily instead of rising to huge terms for frequent buyers.
 */
export function expectedPurchases({
  params,
  customer,
  t,
}: {
  params: BgNbdParams;
  customer: RepeatHistory;
  t: number;
}): number {
  const { r, alpha, b } = params;
  const { frequency: x, recency: tx, T } = customer;
  if (t <= 0) return 0;
  // At a = 1 the formula is 0/0 though the forecast is continuous in a: a nudge of 1e-7 moves it
  // by about that much relative, and the cancellation it creates costs only ~1e-9.
  const a = Math.abs(params.a - 1) < 1e-7 ? 1 + 1e-7 : params.a;
  const z = t / (alpha + T + t);
  const c = a + b + x - 1;
  const hyper = hypergeometric2F1({ a: a + b - 1 - r, b: a - 1, c, z });
  // ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; c; z) = (1−z)^(a−1) · ₂F₁(a+b−1−r, a−1; c; z).
  const notBought = Math.exp((a - 1) * Math.log1p(-z)) * hyper;
  const numerator = (c / (a - 1)) * (1 - notBought);
  if (x === 0) return numerator;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return numerator / (1 + Math.exp(logOdds));
}

/** E[X(t)] for a customer just acquired: the population's expected purchases in their first t units. */
export function expectedPurchasesOfNewCustomer({ params, t }: { params: BgNbdParams; t: number }): number {
  return expectedPurchases({ params, customer: { frequency: 0, recency: 0, T: 0 }, t });
}
