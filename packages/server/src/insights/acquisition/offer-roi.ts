// Offer ROI against a holdout: the holdout customers were chosen for the offer but not sent it,
// so the difference between the two groups is what the offer caused (uplift), not who it reached.

export type OfferGroup = { customers: number; conversions: number; revenue: number };

export type OfferRoi = {
  treated: OfferGroup & { conversionRate: number; revenuePerCustomer: number };
  holdout: OfferGroup & { conversionRate: number; revenuePerCustomer: number };
  /** Difference in conversion rate, treated − holdout. */
  uplift: number;
  /** Two-sided p-value of the pooled two-proportion z-test (null when it is undefined). */
  pValue: number | null;
  incrementalRevenue: number;
  cost: number;
  /** (incremental revenue − cost) / cost; null without a recorded cost. */
  roi: number | null;
};

/** erfc(x), Numerical Recipes' Chebyshev fit: relative error below 1.2e-7 everywhere. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + z / 2);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Pooled two-proportion z-test, two-sided (prop.test without continuity correction). */
export function twoProportionPValue(
  a: { successes: number; n: number },
  b: { successes: number; n: number },
) {
  if (a.n === 0 || b.n === 0) return null;
  const pooled = (a.successes + b.successes) / (a.n + b.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  if (se === 0) return null;
  const z = (a.successes / a.n - b.successes / b.n) / se;
  // The lower tail directly: 1 − Φ(|z|) would round a tiny p-value to 0.
  return 2 * normalCdf(-Math.abs(z));
}

const rates = (g: OfferGroup) => ({
  ...g,
  conversionRate: g.customers ? g.conversions / g.customers : 0,
  revenuePerCustomer: g.customers ? g.revenue / g.customers : 0,
});

export function offerRoi(input: { treated: OfferGroup; holdout: OfferGroup; cost: number }): OfferRoi {
  const treated = rates(input.treated);
  const holdout = rates(input.holdout);
  const incrementalRevenue = (treated.revenuePerCustomer - holdout.revenuePerCustomer) * treated.customers;
  return {
    treated,
    holdout,
    uplift: treated.conversionRate - holdout.conversionRate,
    pValue: twoProportionPValue(
      { successes: treated.conversions, n: treated.customers },
      { successes: holdout.conversions, n: holdout.customers },
    ),
    incrementalRevenue,
    cost: input.cost,
    roi: input.cost > 0 ? (incrementalRevenue - input.cost) / input.cost : null,
  };
}
