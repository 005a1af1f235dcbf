import { describe, expect, it } from 'vitest';
import { CDNOW_CALIBRATION_END, hasCdnowDataset, readCdnowPurchases } from '../clv/cdnow-dataset.ts';
import { labelledAsOf } from './cdnow-activity.test-helper.ts';
import { splitByCustomer, trainChurnModel } from './churn-model.ts';

describe('churn model', () => {
  it('splits by customer reproducibly, 30% held out, whatever the input order', () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ customerId: `c${i}` }));
    const a = splitByCustomer(items, { seed: 7, holdoutShare: 0.3 });
    const b = splitByCustomer([...items].reverse(), { seed: 7, holdoutShare: 0.3 });
    expect(a.holdout).toHaveLength(30);
    expect(a.train).toHaveLength(70);
    expect(a.holdout.map((c) => c.customerId)).toEqual(b.holdout.map((c) => c.customerId));
    expect(new Set([...a.train, ...a.holdout].map((c) => c.customerId)).size).toBe(100);
  });

  it('refuses to fit when one class is missing', () => {
    const customers = Array.from({ length: 50 }, (_, i) => ({
      customerId: `c${i}`,
      features: [i, 1, 1, 1, 0, 0, 0, 0],
      churned: true,
    }));
    expect(trainChurnModel({ customers })._unsafeUnwrapErr().type).toBe('not-enough-data');
  });

  it.runIf(hasCdnowDataset())(
    'predicts CDNOW churn in the 39 weeks after the calibration period with hold-out AUC ≥ 0.75',
    () => {
      const customers = labelledAsOf(readCdnowPurchases(), CDNOW_CALIBRATION_END, 39 * 7);
      expect(customers).toHaveLength(2357);
      const model = trainChurnModel({ customers })._unsafeUnwrap();
      console.info(`CDNOW churn: AUC ${model.auc.toFixed(4)}, recency-only ${model.baselineAuc.toFixed(4)}`);
      expect(model.trainCustomers + model.holdoutCustomers).toBe(2357);
      expect(model.auc).toBeGreaterThanOrEqual(0.75);
      // Measured: 0.7586 vs recency alone 0.7463 (seed 1405; other seeds 0.765–0.798, ahead of recency by 0.002–0.02).
      expect(model.baselineAuc).toBeGreaterThan(0.7);
      expect(model.auc).toBeGreaterThan(model.baselineAuc);
      // Longer since the last order → likelier churned; more orders → less likely.
      const weight = (f: string) => model.coefficients.find((c) => c.feature === f)!.weight;
      expect(weight('frequency')).toBeLessThan(0);
    },
  );

  it.runIf(hasCdnowDataset())(
    'ranks CDNOW churners better than recency alone, averaged over 20 splits',
    () => {
      const customers = labelledAsOf(readCdnowPurchases(), CDNOW_CALIBRATION_END, 39 * 7);
      const models = Array.from({ length: 20 }, (_, seed) =>
        trainChurnModel({ customers, seed: seed + 1 })._unsafeUnwrap(),
      );
      const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
      const auc = mean(models.map((m) => m.auc));
      const baseline = mean(models.map((m) => m.baselineAuc));
      console.info(
        `CDNOW churn over 20 splits: mean AUC ${auc.toFixed(4)}, recency-only ${baseline.toFixed(4)}`,
      );
      // Measured: 0.7761 vs 0.7670 (200 splits: 0.7789 vs 0.7700, the model ahead on 92.5% of them).
      expect(auc).toBeGreaterThan(0.765);
      expect(auc - baseline).toBeGreaterThan(0.004);
    },
  );
});
