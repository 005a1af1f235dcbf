import { describe, expect, it } from 'vitest';
import { CDNOW_CALIBRATION_END, hasCdnowDataset, readCdnowPurchases } from './cdnow-dataset.ts';
import { summarizePurchases, type Purchase } from './purchase-summary.ts';

const day = (iso: string): Date => new Date(`${iso}T12:00:00Z`);
const buy = (customerId: string, iso: string, amount: number): Purchase => ({
  customerId,
  at: day(iso),
  amount,
});

describe('summarizePurchases', () => {
  it('merges purchases on the same calendar day into one transaction with the amounts summed', () => {
    const [summary] = summarizePurchases({
      purchases: [
        buy('c1', '2024-01-01', 10),
        { customerId: 'c1', at: new Date('2024-01-08T08:00:00Z'), amount: 5 },
        { customerId: 'c1', at: new Date('2024-01-08T23:30:00Z'), amount: 7 },
      ],
      calibrationEnd: day('2024-01-15'),
      timeUnit: 'day',
    });
    expect(summary).toEqual({ customerId: 'c1', frequency: 1, recency: 7, T: 14, monetaryValue: 12 });
  });

  it('ignores purchases after the calibration end but counts those on its day', () => {
    const [summary] = summarizePurchases({
      purchases: [buy('c1', '2024-01-01', 10), buy('c1', '2024-01-15', 20), buy('c1', '2024-01-16', 999)],
      calibrationEnd: new Date('2024-01-15T00:00:00Z'),
      timeUnit: 'day',
    });
    expect(summary).toEqual({ customerId: 'c1', frequency: 1, recency: 14, T: 14, monetaryValue: 20 });
  });

  it('leaves out customers whose first purchase is after the calibration end', () => {
    const summaries = summarizePurchases({
      purchases: [buy('early', '2024-01-01', 10), buy('late', '2024-02-01', 10)],
      calibrationEnd: day('2024-01-31'),
      timeUnit: 'day',
    });
    expect(summaries.map((s) => s.customerId)).toEqual(['early']);
  });

  it('gives a one-time buyer frequency, recency and monetary value 0, and T from their purchase', () => {
    const [summary] = summarizePurchases({
      purchases: [buy('c1', '2024-01-01', 42)],
      calibrationEnd: day('2024-01-11'),
      timeUnit: 'day',
    });
    expect(summary).toEqual({ customerId: 'c1', frequency: 0, recency: 0, T: 10, monetaryValue: 0 });
  });

  it('averages only the repeat transactions, leaving out the first purchase', () => {
    const [summary] = summarizePurchases({
      purchases: [buy('c1', '2024-01-01', 1000), buy('c1', '2024-01-02', 10), buy('c1', '2024-01-03', 30)],
      calibrationEnd: day('2024-01-03'),
      timeUnit: 'day',
    });
    expect(summary?.monetaryValue).toBe(20);
  });

  it('measures recency and T in weeks of seven days, with fractions', () => {
    const [summary] = summarizePurchases({
      purchases: [buy('c1', '2024-01-01', 1), buy('c1', '2024-01-11', 1)],
      calibrationEnd: day('2024-01-15'),
      timeUnit: 'week',
    });
    expect(summary?.recency).toBeCloseTo(10 / 7, 12);
    expect(summary?.T).toBe(2);
  });

  it('takes calendar days in the given UTC offset, so a Tehran evening is not the next day', () => {
    const purchases = [
      { customerId: 'c1', at: new Date('2024-01-01T20:00:00Z'), amount: 1 }, // 23:30 in Tehran
      { customerId: 'c1', at: new Date('2024-01-01T21:00:00Z'), amount: 1 }, // 00:30 the next day
    ];
    const calibrationEnd = new Date('2024-01-05T00:00:00Z');
    const utc = summarizePurchases({ purchases, calibrationEnd, timeUnit: 'day' });
    const tehran = summarizePurchases({ purchases, calibrationEnd, timeUnit: 'day', utcOffsetMinutes: 210 });
    expect(utc[0]?.frequency).toBe(0);
    expect(tehran[0]?.frequency).toBe(1);
  });

  it('keeps customers in the order they first appear, whatever the order of the log', () => {
    const summaries = summarizePurchases({
      purchases: [buy('b', '2024-01-05', 1), buy('a', '2024-01-01', 1), buy('b', '2024-01-02', 1)],
      calibrationEnd: day('2024-01-10'),
      timeUnit: 'day',
    });
    expect(summaries.map((s) => [s.customerId, s.frequency, s.recency, s.T])).toEqual([
      ['b', 1, 3, 8],
      ['a', 0, 0, 9],
    ]);
  });
});

describe.skipIf(!hasCdnowDataset())('summarizePurchases on the CDNOW sample', () => {
  it('reproduces the calibration summary of Fader, Hardie & Lee (2,357 customers, 946 repeat buyers)', () => {
    const summaries = summarizePurchases({
      purchases: readCdnowPurchases(),
      calibrationEnd: CDNOW_CALIBRATION_END,
      timeUnit: 'week',
    });
    expect(summaries).toHaveLength(2357);
    expect(summaries.filter((s) => s.frequency > 0)).toHaveLength(946);
    expect(summaries.reduce((sum, s) => sum + s.frequency, 0)).toBe(2457);
    // Customer 0001 is the worked example of the paper's spreadsheet note: x = 2, t_x = 30.43, T = 38.86.
    const first = summaries[0];
    expect(first?.customerId).toBe('0001');
    expect(first?.frequency).toBe(2);
    expect(first?.recency).toBeCloseTo(30.43, 2);
    expect(first?.T).toBeCloseTo(38.86, 2);
    expect(Math.max(...summaries.map((s) => s.T))).toBeCloseTo(272 / 7, 12);
  });
});
