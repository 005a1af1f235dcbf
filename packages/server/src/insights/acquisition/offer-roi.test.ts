import { describe, expect, it } from 'vitest';
import { normalCdf, offerRoi, twoProportionPValue } from './offer-roi.ts';

describe('offer ROI against a holdout', () => {
  it('has the standard normal quantiles', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(-2.575829)).toBeCloseTo(0.005, 6);
    expect(normalCdf(-10) / 7.619853e-24).toBeCloseTo(1, 5);
  });

  it('gives R prop.test’s p-value (no continuity correction) for 120/1000 vs 90/1000', () => {
    // prop.test(c(120, 90), c(1000, 1000), correct = FALSE): X-squared = 4.7887, p-value = 0.02865
    expect(twoProportionPValue({ successes: 120, n: 1000 }, { successes: 90, n: 1000 })).toBeCloseTo(
      0.02865,
      4,
    );
    expect(twoProportionPValue({ successes: 0, n: 10 }, { successes: 0, n: 10 })).toBeNull();
    // z = 8.944: 2·Φ(−z) = erfc(z/√2) = 3.7440974e-19 (Python's math.erfc), which 1 − Φ(z) rounds to 0.
    const tiny = twoProportionPValue({ successes: 600, n: 1000 }, { successes: 400, n: 1000 })!;
    expect(tiny / 3.7440974e-19).toBeCloseTo(1, 5);
  });

  it('computes uplift, incremental revenue over the holdout and ROI on the cost', () => {
    const roi = offerRoi({
      treated: { customers: 1000, conversions: 120, revenue: 6000 },
      holdout: { customers: 1000, conversions: 90, revenue: 4000 },
      cost: 500,
    });
    expect(roi.uplift).toBeCloseTo(0.03, 12);
    expect(roi.treated.revenuePerCustomer).toBe(6);
    expect(roi.incrementalRevenue).toBeCloseTo(2000, 9);
    expect(roi.roi).toBeCloseTo(3, 12);
    expect(offerRoi({ ...roi, cost: 0 }).roi).toBeNull();
  });
});
