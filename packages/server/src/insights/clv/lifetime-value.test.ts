import { describe, expect, it } from 'vitest';
import { expectedPurchases } from './bg-nbd.ts';
import { CDNOW_CALIBRATION_END, hasCdnowDataset, readCdnowPurchases } from './cdnow-dataset.ts';
import { expectedAverageSpend } from './gamma-gamma.ts';
import { customerLifetimeValue, estimateCustomerLifetimeValues, unitsPerMonth } from './lifetime-value.ts';
import type { Purchase } from './purchase-summary.ts';

const transactions = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const spend = { p: 6.25, q: 3.74, gamma: 15.44 };
const customer = { customerId: 'c1', frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 };

describe('customerLifetimeValue', () => {
  it('is expected spend times expected purchases over the horizon when nothing is discounted', () => {
    const value = customerLifetimeValue({
      transactions,
      spend,
      customer,
      horizonMonths: 12,
      monthlyDiscountRate: 0,
      timeUnit: 'week',
    });
    const purchases = expectedPurchases({ params: transactions, customer, t: 12 * unitsPerMonth('week') });
    expect(value.expectedPurchases).toBeCloseTo(purchases, 12);
    expect(value.clv).toBeCloseTo(purchases * expectedAverageSpend({ params: spend, customer }), 10);
  });

  it('is lowered by discounting and worth nothing over a zero horizon', () => {
    const options = { transactions, spend, customer, timeUnit: 'week' as const };
    const plain = customerLifetimeValue({ ...options, horizonMonths: 12, monthlyDiscountRate: 0 }).clv;
    const discounted = customerLifetimeValue({
      ...options,
      horizonMonths: 12,
      monthlyDiscountRate: 0.01,
    }).clv;
    expect(discounted).toBeLessThan(plain);
    expect(discounted).toBeGreaterThan(plain / 1.01 ** 12);
    expect(customerLifetimeValue({ ...options, horizonMonths: 0, monthlyDiscountRate: 0.01 }).clv).toBe(0);
  });

  it('rejects a fractional horizon', () => {
    expect(() =>
      customerLifetimeValue({
        transactions,
        spend,
        customer,
        horizonMonths: 1.5,
        monthlyDiscountRate: 0,
        timeUnit: 'week',
      }),
    ).toThrow(RangeError);
  });
});

describe('estimateCustomerLifetimeValues', () => {
  it('reports not-enough-data for a log in which nobody bought twice', () => {
    const purchases: Purchase[] = [
      { customerId: 'a', at: new Date('2024-01-01'), amount: 10 },
      { customerId: 'b', at: new Date('2024-01-03'), amount: 12 },
    ];
    const result = estimateCustomerLifetimeValues({
      purchases,
      calibrationEnd: new Date('2024-02-01'),
      timeUnit: 'day',
      horizonMonths: 12,
      monthlyDiscountRate: 0.01,
    });
    expect(result._unsafeUnwrapErr()).toMatchObject({ type: 'not-enough-data', model: 'bg-nbd' });
  });
});

describe.skipIf(!hasCdnowDataset())('estimateCustomerLifetimeValues on the CDNOW sample', () => {
  const estimate = (timeUnit: 'day' | 'week') =>
    estimateCustomerLifetimeValues({
      purchases: readCdnowPurchases(),
      calibrationEnd: CDNOW_CALIBRATION_END,
      timeUnit,
      horizonMonths: 12,
      monthlyDiscountRate: 0.01,
    })._unsafeUnwrap();

  it('values every customer with a finite, non-negative amount, the worked example above a one-time buyer', () => {
    const { customers } = estimate('week');
    expect(customers).toHaveLength(2357);
    expect(customers.every((c) => Number.isFinite(c.clv) && c.clv >= 0)).toBe(true);
    const example = customers.find((c) => c.customerId === '0001');
    const oneTimer = customers.find((c) => c.customerId === '0003');
    expect(example?.clv).toBeCloseTo(36.3, 1);
    expect(example?.clv).toBeGreaterThan(oneTimer?.clv ?? Infinity);
  });

  it('gives the same values on a daily and a weekly clock', () => {
    const weekly = estimate('week').customers;
    const daily = estimate('day').customers;
    weekly.forEach((w, i) => expect(daily[i]?.clv).toBeCloseTo(w.clv, 6));
  });
});
