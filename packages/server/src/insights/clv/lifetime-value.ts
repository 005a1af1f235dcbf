// Customer lifetime value: expected purchases month by month from BG/NBD, times the expected spend
// per purchase from Gamma-Gamma, discounted to the end of the calibration period (as `lifetimes`'
// GammaGammaFitter.customer_lifetime_value does).
import { err, ok, type Result } from 'neverthrow';
import { expectedPurchases, fitBgNbd, probabilityAlive, type BgNbdFit, type BgNbdParams } from './bg-nbd.ts';
import type { ClvFitError } from './clv.errors.ts';
import {
  expectedAverageSpend,
  fitGammaGamma,
  type GammaGammaFit,
  type GammaGammaParams,
} from './gamma-gamma.ts';
import {
  daysPerUnit,
  summarizePurchases,
  type Purchase,
  type PurchaseSummary,
  type TimeUnit,
} from './purchase-summary.ts';

/** A mean Gregorian month (365.25 / 12 days), so day and week clocks give the same CLV. */
export const DAYS_PER_MONTH = 365.25 / 12;

export function unitsPerMonth(timeUnit: TimeUnit): number {
  return DAYS_PER_MONTH / daysPerUnit(timeUnit);
}

export type ClvOptions = {
  /** Whole months to look ahead from the end of the calibration period. */
  horizonMonths: number;
  /** Discount rate per month (0.01 ≈ 12.7% a year); cash in month k is divided by (1 + rate)^k. */
  monthlyDiscountRate: number;
  timeUnit: TimeUnit;
};

export type CustomerValue = {
  customerId: string;
  /** Discounted expected spend over the horizon. */
  clv: number;
  /** Undiscounted expected transactions over the horizon. */
  expectedPurchases: number;
  expectedAverageSpend: number;
  probabilityAlive: number;
};

function checkOptions({ horizonMonths, monthlyDiscountRate }: ClvOptions): void {
  if (!Number.isInteger(horizonMonths) || horizonMonths < 0) {
    throw new RangeError(`CLV: horizonMonths must be a whole number >= 0, got ${horizonMonths}`);
  }
  if (!(monthlyDiscountRate > -1)) {
    throw new RangeError(`CLV: monthlyDiscountRate must be above -1, got ${monthlyDiscountRate}`);
  }
}

/**
 * CLV = Σ_{k=1..H} E[spend] · (E[Y(k·m)] − E[Y((k−1)·m)]) / (1 + d)^k, m the time units in a month.
 * The cumulative forecast is differenced so each month's purchases are discounted by that month.
 */
export function customerLifetimeValue({
  transactions,
  spend,
  customer,
  horizonMonths,
  monthlyDiscountRate,
  timeUnit,
}: ClvOptions & {
  transactions: BgNbdParams;
  spend: GammaGammaParams;
  customer: PurchaseSummary;
}): CustomerValue {
  checkOptions({ horizonMonths, monthlyDiscountRate, timeUnit });
  const month = unitsPerMonth(timeUnit);
  const averageSpend = expectedAverageSpend({ params: spend, customer });
  let previous = 0;
  let discounted = 0;
  for (let k = 1; k <= horizonMonths; k++) {
    const cumulative = expectedPurchases({ params: transactions, customer, t: k * month });
    discounted += (cumulative - previous) / (1 + monthlyDiscountRate) ** k;
    previous = cumulative;
  }
  return {
    customerId: customer.customerId,
    clv: averageSpend * discounted,
    expectedPurchases: previous,
    expectedAverageSpend: averageSpend,
    probabilityAlive: probabilityAlive({ params: transactions, customer }),
  };
}

export type ClvEstimate = {
  transactions: BgNbdFit;
  spend: GammaGammaFit;
  customers: CustomerValue[];
};

/**
 * The whole pipeline on a purchase log: summarise up to `calibrationEnd`, fit both models, value
 * every customer. Customers are valued as of `calibrationEnd` (pass today to score the live base).
 */
export function estimateCustomerLifetimeValues({
  purchases,
  calibrationEnd,
  utcOffsetMinutes = 0,
  ...options
}: ClvOptions & {
  purchases: readonly Purchase[];
  calibrationEnd: Date;
  utcOffsetMinutes?: number;
}): Result<ClvEstimate, ClvFitError> {
  checkOptions(options);
  const summaries = summarizePurchases({
    purchases,
    calibrationEnd,
    timeUnit: options.timeUnit,
    utcOffsetMinutes,
  });
  return fitBgNbd({ customers: summaries }).andThen((transactions) =>
    fitGammaGamma({ customers: summaries }).andThen((spend) =>
      spend.q <= 1
        ? err({ type: 'infinite-mean-spend' as const, model: 'gamma-gamma' as const, q: spend.q })
        : ok({
            transactions,
            spend,
            customers: summaries.map((customer) =>
              customerLifetimeValue({ transactions, spend, customer, ...options }),
            ),
          }),
    ),
  );
}
