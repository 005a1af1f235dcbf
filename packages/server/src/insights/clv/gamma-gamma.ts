// The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV" and the accompanying
// note on the model): a customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ), so
// the average of x transactions says something, but not everything, about their mean spend.
import { err, ok, type Result } from 'neverthrow';
import type { ClvFitError } from './clv.errors.ts';
import { minimizeBfgs, newtonPolish, type Vector } from './optimize.ts';
import { digamma, logGamma } from './special-functions.ts';

export type GammaGammaParams = { p: number; q: number; gamma: number };

export type GammaGammaFit = GammaGammaParams & {
  logLikelihood: number;
  /** Repeat buyers with a positive average spend: the only customers the model is fitted on. */
  customers: number;
  iterations: number;
  gradientNorm: number;
};

/** What the model needs of a customer: the number of repeat transactions and their mean value. */
export type SpendHistory = { frequency: number; monetaryValue: number };

function usable(customers: readonly SpendHistory[]): SpendHistory[] {
  return customers.filter((c) => c.frequency > 0 && c.monetaryValue > 0);
}

// Buyers grouped by frequency: the gamma-function terms depend on x only (a few dozen values),
// and Σ log m is fixed, so an evaluation costs one log and one division per buyer.
type FrequencyGroup = { x: number; logX: number; spends: Float64Array; sumLogSpend: number };

function groupByFrequency(buyers: readonly SpendHistory[]): FrequencyGroup[] {
  const byX = new Map<number, number[]>();
  for (const { frequency, monetaryValue } of buyers) {
    const spends = byX.get(frequency);
    if (spends) spends.push(monetaryValue);
    else byX.set(frequency, [monetaryValue]);
  }
  return [...byX].map(([x, spends]) => ({
    x,
    logX: Math.log(x),
    spends: Float64Array.from(spends),
    sumLogSpend: spends.reduce((sum, m) => sum + Math.log(m), 0),
  }));
}

/** Log-likelihood of the mean spends of repeat buyers, and its gradient in (p, q, γ). */
function logLikelihoodWithGradient({
  params,
  groups,
}: {
  params: GammaGammaParams;
  groups: readonly FrequencyGroup[];
}): { value: number; gradient: [number, number, number] } {
  const { p, q, gamma } = params;
  const logGammaQ = logGamma(q);
  const psiQ = digamma(q);
  const logScale = Math.log(gamma);
  let value = 0;
  let dp = 0;
  let dq = 0;
  let dGamma = 0;
  for (const { x, logX, spends, sumLogSpend } of groups) {
    const n = spends.length;
    const px = p * x;
    let sumLogTotal = 0;
    let sumInverseTotal = 0;
    for (const m of spends) {
      const total = gamma + m * x;
      sumLogTotal += Math.log(total);
      sumInverseTotal += 1 / total;
    }
    const psiPxQ = digamma(px + q);
    value +=
      n * (logGamma(px + q) - logGamma(px) - logGammaQ + q * logScale + px * logX) +
      (px - 1) * sumLogSpend -
      (px + q) * sumLogTotal;
    dp += x * (n * (psiPxQ - digamma(px) + logX) + sumLogSpend - sumLogTotal);
    dq += n * (psiPxQ - psiQ + logScale) - sumLogTotal;
    dGamma += (n * q) / gamma - (px + q) * sumInverseTotal;
  }
  return { value, gradient: [dp, dq, dGamma] };
}

/** Log-likelihood over the repeat buyers with positive spend (the others carry no spend information). */
export function gammaGammaLogLikelihood({
  params,
  customers,
}: {
  params: GammaGammaParams;
  customers: readonly SpendHistory[];
}): number {
  return logLikelihoodWithGradient({ params, groups: groupByFrequency(usable(customers)) }).value;
}

/** Gradient of the log-likelihood with respect to (p, q, γ), in that order. */
export function gammaGammaLogLikelihoodGradient({
  params,
  customers,
}: {
  params: GammaGammaParams;
  customers: readonly SpendHistory[];
}): [number, number, number] {
  return logLikelihoodWithGradient({ params, groups: groupByFrequency(usable(customers)) }).gradient;
}

/**
 * Maximum-likelihood fit of (p, q, γ) on customers with frequency > 0 and positive mean spend, by
 * BFGS on log-parameters then Newton steps. Spends are divided by their mean during the fit so γ
 * starts near its scale whatever the currency (rials or dollars); the likelihood only shifts by a
 * constant, and γ is scaled back.
 */
export function fitGammaGamma({
  customers,
  startLogParams = [0, 0, 0],
}: {
  customers: readonly SpendHistory[];
  startLogParams?: Vector;
}): Result<GammaGammaFit, ClvFitError> {
  const buyers = usable(customers);
  if (buyers.length < 2) {
    return err({
      type: 'not-enough-data',
      model: 'gamma-gamma',
      usableCustomers: buyers.length,
      repeatCustomers: customers.filter((c) => c.frequency > 0).length,
    });
  }
  const meanSpend = buyers.reduce((s, c) => s + c.monetaryValue, 0) / buyers.length;
  const groups = groupByFrequency(
    buyers.map((c) => ({ frequency: c.frequency, monetaryValue: c.monetaryValue / meanSpend })),
  );
  const f = (theta: Vector): { value: number; gradient: number[] } => {
    const natural = theta.map(Math.exp);
    const params = { p: natural[0] ?? 1, q: natural[1] ?? 1, gamma: natural[2] ?? 1 };
    const { value, gradient } = logLikelihoodWithGradient({ params, groups });
    return {
      value: -value / buyers.length,
      gradient: gradient.map((g, i) => (-g * (natural[i] ?? 0)) / buyers.length),
    };
  };
  const best = newtonPolish({ f, start: minimizeBfgs({ f, x0: startLogParams }) });
  const gradientNorm = best.gradient.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
  if (gradientNorm > 1e-6 || !Number.isFinite(best.value)) {
    return err({
      type: 'fit-did-not-converge',
      model: 'gamma-gamma',
      iterations: best.iterations,
      gradientNorm,
    });
  }
  const params = {
    p: Math.exp(best.x[0] ?? 0),
    q: Math.exp(best.x[1] ?? 0),
    gamma: Math.exp(best.x[2] ?? 0) * meanSpend,
  };
  return ok({
    ...params,
    logLikelihood: gammaGammaLogLikelihood({ params, customers: buyers }),
    customers: buyers.length,
    iterations: best.iterations,
    gradientNorm,
  });
}

/**
 * E[M | p, q, γ, m_x, x]: the customer's expected spend per transaction, a weighted mean of the
 * population mean pγ/(q−1) and their own observed mean. Customers with no repeat transaction get
 * the population mean. Throws when q ≤ 1 and x = 0 (the population mean is then infinite).
 */
export function expectedAverageSpend({
  params,
  customer,
}: {
  params: GammaGammaParams;
  customer: SpendHistory;
}): number {
  const { p, q, gamma } = params;
  const x = customer.monetaryValue > 0 ? customer.frequency : 0;
  const denominator = p * x + q - 1;
  if (!(denominator > 0)) {
    throw new RangeError(`Gamma-Gamma: expected spend is infinite (q=${q}, frequency=${x})`);
  }
  return (p * (gamma + customer.monetaryValue * x)) / denominator;
}
