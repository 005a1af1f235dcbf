import { describe, expect, it } from 'vitest';
import { CDNOW_CALIBRATION_END, hasCdnowDataset, readCdnowPurchases } from './cdnow-dataset.ts';
import {
  expectedAverageSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  gammaGammaLogLikelihoodGradient,
  type GammaGammaFit,
  type GammaGammaParams,
} from './gamma-gamma.ts';
import { logParameterGradient, neighbourhood } from './likelihood-checks.ts';
import { finiteDifferenceGradient, type Vector } from './optimize.ts';
import { summarizePurchases, type PurchaseSummary } from './purchase-summary.ts';

let summaries: PurchaseSummary[] | undefined;
function cdnow(): PurchaseSummary[] {
  summaries ??= summarizePurchases({
    purchases: readCdnowPurchases(),
    calibrationEnd: CDNOW_CALIBRATION_END,
    timeUnit: 'week',
  });
  return summaries;
}

const fromVector = (v: Vector): GammaGammaParams => ({ p: v[0] ?? 0, q: v[1] ?? 0, gamma: v[2] ?? 0 });

describe.skipIf(!hasCdnowDataset())('fitGammaGamma on the CDNOW sample', () => {
  let fitted: GammaGammaFit | undefined;
  const fit = (): GammaGammaFit => (fitted ??= fitGammaGamma({ customers: cdnow() })._unsafeUnwrap());
  const logLikelihood = (v: Vector): number =>
    gammaGammaLogLikelihood({ params: fromVector(v), customers: cdnow() });

  it('recovers the published estimates p=6.25, q=3.74, γ=15.44 from the 946 repeat buyers', () => {
    const { p, q, gamma, customers } = fit();
    expect(customers).toBe(946);
    expect(p).toBeCloseTo(6.25, 2);
    expect(q).toBeCloseTo(3.74, 2);
    expect(gamma).toBeCloseTo(15.44, 2);
  });

  it('stops where the likelihood gradient vanishes, which it does not 1% away', () => {
    const optimum = [fit().p, fit().q, fit().gamma];
    const atOptimum = logParameterGradient({ logLikelihood, point: optimum });
    expect(Math.max(...atOptimum.map(Math.abs))).toBeLessThan(1e-3);
    const nearby = logParameterGradient({
      logLikelihood,
      point: optimum.map((v, i) => (i === 1 ? v * 1.01 : v)),
    });
    expect(Math.max(...nearby.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('has no point of higher likelihood in a 0.01% neighbourhood of the optimum', () => {
    const optimum = [fit().p, fit().q, fit().gamma];
    const best = logLikelihood(optimum);
    for (const point of neighbourhood({ point: optimum, step: 1e-4 })) {
      expect(logLikelihood(point)).toBeLessThan(best);
    }
  });

  it('gives the same p and q, and γ in the new currency, when spend is in rials', () => {
    const rate = 42_000;
    const inRials = cdnow().map((s) => ({ ...s, monetaryValue: s.monetaryValue * rate }));
    const rials = fitGammaGamma({ customers: inRials })._unsafeUnwrap();
    expect(rials.p).toBeCloseTo(fit().p, 5);
    expect(rials.q).toBeCloseTo(fit().q, 5);
    expect(rials.gamma / rate).toBeCloseTo(fit().gamma, 4);
  });
});

describe('Gamma-Gamma likelihood and expected spend', () => {
  const params = { p: 6.25, q: 3.74, gamma: 15.44 };
  const buyers = [
    { frequency: 1, monetaryValue: 12 },
    { frequency: 3, monetaryValue: 40 },
    { frequency: 9, monetaryValue: 25.5 },
  ];

  it('has an analytic gradient equal to the finite-difference one', () => {
    const point = [2, 5, 9];
    const numeric = finiteDifferenceGradient({
      f: (v) => gammaGammaLogLikelihood({ params: fromVector(v), customers: buyers }),
      x: point,
    });
    const analytic = gammaGammaLogLikelihoodGradient({ params: fromVector(point), customers: buyers });
    analytic.forEach((g, i) => expect(g).toBeCloseTo(numeric[i] ?? NaN, 6));
  });

  it('ignores one-time buyers, who say nothing about spend per repeat transaction', () => {
    const withOneTimers = [...buyers, { frequency: 0, monetaryValue: 0 }, { frequency: 0, monetaryValue: 0 }];
    expect(gammaGammaLogLikelihood({ params, customers: withOneTimers })).toBe(
      gammaGammaLogLikelihood({ params, customers: buyers }),
    );
  });

  it('expects the population mean pγ/(q−1) from a one-time buyer', () => {
    const spend = expectedAverageSpend({ params, customer: { frequency: 0, monetaryValue: 0 } });
    expect(spend).toBeCloseTo((6.25 * 15.44) / 2.74, 10);
  });

  it('moves a repeat buyer’s expected spend from the population mean towards their own, more with more purchases', () => {
    const populationMean = (6.25 * 15.44) / 2.74;
    const few = expectedAverageSpend({ params, customer: { frequency: 1, monetaryValue: 100 } });
    const many = expectedAverageSpend({ params, customer: { frequency: 20, monetaryValue: 100 } });
    expect(few).toBeGreaterThan(populationMean);
    expect(many).toBeGreaterThan(few);
    expect(many).toBeLessThan(100);
  });

  it('refuses to fit with fewer than two repeat buyers', () => {
    const result = fitGammaGamma({
      customers: [
        { frequency: 2, monetaryValue: 10 },
        { frequency: 0, monetaryValue: 0 },
      ],
    });
    expect(result._unsafeUnwrapErr()).toMatchObject({
      type: 'not-enough-data',
      model: 'gamma-gamma',
      usableCustomers: 1,
    });
  });
});
