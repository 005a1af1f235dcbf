import { describe, expect, it } from 'vitest';
import {
  bgNbdLogLikelihood,
  bgNbdLogLikelihoodGradient,
  bgNbdObjective,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  type BgNbdFit,
  type BgNbdParams,
} from './bg-nbd.ts';
import { CDNOW_CALIBRATION_END, hasCdnowDataset, readCdnowPurchases } from './cdnow-dataset.ts';
import { logParameterGradient, neighbourhood } from './likelihood-checks.ts';
import { finiteDifferenceGradient, minimizeNelderMead, type Vector } from './optimize.ts';
import { summarizePurchases, type PurchaseSummary, type TimeUnit } from './purchase-summary.ts';
import { hypergeometric2F1 } from './special-functions.ts';

const PUBLISHED: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

const cache = new Map<string, PurchaseSummary[]>();
function cdnow(timeUnit: TimeUnit, calibrationEnd = CDNOW_CALIBRATION_END): PurchaseSummary[] {
  const key = `${timeUnit}|${calibrationEnd.toISOString()}`;
  let summaries = cache.get(key);
  if (!summaries) {
    summaries = summarizePurchases({ purchases: readCdnowPurchases(), calibrationEnd, timeUnit });
    cache.set(key, summaries);
  }
  return summaries;
}

const asVector = ({ r, alpha, a, b }: BgNbdParams): number[] => [r, alpha, a, b];
const fromVector = (v: Vector): BgNbdParams => ({
  r: v[0] ?? 0,
  alpha: v[1] ?? 0,
  a: v[2] ?? 0,
  b: v[3] ?? 0,
});

describe.skipIf(!hasCdnowDataset())(
  'fitBgNbd on the CDNOW sample (weekly, calibration to 1997-09-30)',
  () => {
    let fitted: BgNbdFit | undefined;
    const fit = (): BgNbdFit => (fitted ??= fitBgNbd({ customers: cdnow('week') })._unsafeUnwrap());
    const logLikelihood = (v: Vector): number =>
      bgNbdLogLikelihood({ params: fromVector(v), customers: cdnow('week') });

    it('recovers the published estimates r=0.243, α=4.414, a=0.793, b=2.426, LL=−9582.4', () => {
      const { r, alpha, a, b, logLikelihood: ll, customers } = fit();
      expect(customers).toBe(2357);
      expect(r).toBeCloseTo(0.243, 3);
      expect(alpha).toBeCloseTo(4.414, 3);
      expect(a).toBeCloseTo(0.793, 3);
      expect(b).toBeCloseTo(2.426, 3);
      expect(ll).toBeCloseTo(-9582.43, 2);
    });

    it('stops where the likelihood gradient vanishes, which it does not 1% away', () => {
      const optimum = asVector(fit());
      const atOptimum = logParameterGradient({ logLikelihood, point: optimum });
      expect(Math.max(...atOptimum.map(Math.abs))).toBeLessThan(1e-3);
      const nearby = logParameterGradient({
        logLikelihood,
        point: optimum.map((v, i) => (i === 0 ? v * 1.01 : v)),
      });
      expect(Math.max(...nearby.map(Math.abs))).toBeGreaterThan(1);
    });

    it('has no point of higher likelihood in a 0.01% neighbourhood of the optimum', () => {
      const optimum = asVector(fit());
      const best = logLikelihood(optimum);
      for (const point of neighbourhood({ point: optimum, step: 1e-4 })) {
        expect(logLikelihood(point)).toBeLessThan(best);
      }
    });

    it('agrees with a derivative-free Nelder-Mead fit from the same start', () => {
      const { f, toParams } = bgNbdObjective(cdnow('week'));
      const simplex = minimizeNelderMead({ f: (theta) => f(theta).value, x0: [0, 0, 0, 0] });
      const nelderMead = bgNbdLogLikelihood({ params: toParams(simplex.x), customers: cdnow('week') });
      expect(fit().logLikelihood).toBeGreaterThanOrEqual(nelderMead - 1e-9);
      expect(fit().logLikelihood - nelderMead).toBeLessThan(1e-5);
    });

    it('fits the same model on a daily clock: α is 7 times larger and LL shifts by Σx·ln 7', () => {
      const weekly = fit();
      const daily = fitBgNbd({ customers: cdnow('day') })._unsafeUnwrap();
      expect(daily.r).toBeCloseTo(weekly.r, 6);
      expect(daily.alpha / 7).toBeCloseTo(weekly.alpha, 5);
      expect(daily.a).toBeCloseTo(weekly.a, 6);
      expect(daily.b).toBeCloseTo(weekly.b, 6);
      expect(weekly.logLikelihood - daily.logLikelihood).toBeCloseTo(2457 * Math.log(7), 5);
    });

    it('forecasts the 39-week holdout within 15% of the repeat purchases that happened', () => {
      const calibration = cdnow('week');
      const whole = new Map(
        cdnow('week', new Date(Date.UTC(1998, 5, 30))).map((s) => [s.customerId, s.frequency]),
      );
      const params = fit();
      let actual = 0;
      let predicted = 0;
      for (const customer of calibration) {
        actual += (whole.get(customer.customerId) ?? 0) - customer.frequency;
        predicted += expectedPurchases({ params, customer, t: 39 });
      }
      expect(actual).toBe(1882);
      expect(Math.abs(predicted / actual - 1)).toBeLessThan(0.15);
    });
  },
);

describe('BG/NBD likelihood and forecasts', () => {
  const histories = [
    { frequency: 0, recency: 0, T: 30 },
    { frequency: 1, recency: 5, T: 38 },
    { frequency: 4, recency: 20.5, T: 36 },
    { frequency: 12, recency: 37, T: 38 },
  ];

  it('has an analytic gradient equal to the finite-difference one', () => {
    const point = [0.5, 3, 1.2, 1.8];
    const numeric = finiteDifferenceGradient({
      f: (v) => bgNbdLogLikelihood({ params: fromVector(v), customers: histories }),
      x: point,
    });
    const analytic = bgNbdLogLikelihoodGradient({ params: fromVector(point), customers: histories });
    analytic.forEach((g, i) => expect(g).toBeCloseTo(numeric[i] ?? NaN, 6));
  });

  it('predicts 1.226 purchases in 39 weeks for the worked example (x=2, t_x=30.43, T=38.86)', () => {
    const customer = { frequency: 2, recency: 30.43, T: 38.86 };
    expect(expectedPurchases({ params: PUBLISHED, customer, t: 39 })).toBeCloseTo(1.226, 3);
  });

  it('computes the same forecast as the paper’s form of the hypergeometric term', () => {
    const { r, alpha, a, b } = PUBLISHED;
    for (const customer of [...histories, { frequency: 25, recency: 38, T: 38.5 }]) {
      const { frequency: x, recency: tx, T } = customer;
      const t = 52;
      const z = t / (alpha + T + t);
      const hyper = hypergeometric2F1({ a: r + x, b: b + x, c: a + b + x - 1, z });
      const paper =
        (((a + b + x - 1) / (a - 1)) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyper)) /
        (1 + (x > 0 ? 1 : 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x));
      expect(expectedPurchases({ params: PUBLISHED, customer, t })).toBeCloseTo(paper, 10);
    }
  });

  it('stays finite and continuous when the dropout shape a is exactly 1', () => {
    const customer = { frequency: 3, recency: 20, T: 38 };
    const at = (a: number): number => expectedPurchases({ params: { ...PUBLISHED, a }, customer, t: 39 });
    expect(at(1)).toBeCloseTo((at(1 - 1e-4) + at(1 + 1e-4)) / 2, 6);
  });

  it('gives probability alive 1 to a customer who never bought again, falling as the last purchase ages', () => {
    expect(probabilityAlive({ params: PUBLISHED, customer: { frequency: 0, recency: 0, T: 38 } })).toBe(1);
    const recent = probabilityAlive({ params: PUBLISHED, customer: { frequency: 3, recency: 35, T: 38 } });
    const lapsed = probabilityAlive({ params: PUBLISHED, customer: { frequency: 3, recency: 5, T: 38 } });
    expect(recent).toBeGreaterThan(lapsed);
    expect(lapsed).toBeGreaterThan(0);
  });

  it('matches the closed-form likelihood of a customer with no repeat purchase', () => {
    const { r, alpha } = PUBLISHED;
    const ll = bgNbdLogLikelihood({ params: PUBLISHED, customers: [{ frequency: 0, recency: 0, T: 10 }] });
    expect(ll).toBeCloseTo(r * Math.log(alpha / (alpha + 10)), 12);
  });

  it('refuses to fit when no customer bought twice', () => {
    const result = fitBgNbd({ customers: [{ frequency: 0, recency: 0, T: 5 }] });
    expect(result._unsafeUnwrapErr()).toMatchObject({
      type: 'not-enough-data',
      model: 'bg-nbd',
      repeatCustomers: 0,
    });
  });

  it('rejects a history whose last purchase is after the end of the period', () => {
    expect(() => fitBgNbd({ customers: [{ frequency: 1, recency: 9, T: 5 }] })).toThrow(RangeError);
  });
});
