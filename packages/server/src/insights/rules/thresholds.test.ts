import { describe, expect, it } from 'vitest';
import { confidenceTest, decimalFraction, minSupportCount } from './thresholds.ts';

describe('thresholds', () => {
  it.each([
    [0.1, 1n, 10n],
    [0.006, 6n, 1000n],
    [1, 1n, 1n],
    [0, 0n, 1n],
    [2.5e-7, 25n, 100_000_000n],
    [1e21, 10n ** 21n, 1n],
  ])('reads %d as the decimal it prints as', (x, numerator, denominator) => {
    expect(decimalFraction(x)).toEqual({ numerator, denominator });
  });

  it('asks for exactly minSupport × n baskets where floating point would ask for one more', () => {
    expect(Math.ceil(0.07 * 100)).toBe(8); // the roundoff this module exists to avoid
    expect(minSupportCount({ minSupport: 0.07, transactions: 100 })).toBe(7);
    expect(minSupportCount({ minSupport: 0.7, transactions: 10 })).toBe(7);
    expect(minSupportCount({ minSupport: 0.006, transactions: 9835 })).toBe(60);
    expect(minSupportCount({ minSupport: 0.001, transactions: 9835 })).toBe(10);
  });

  it('never asks for fewer than one basket', () => {
    expect(minSupportCount({ minSupport: 0, transactions: 50 })).toBe(1);
  });

  it('keeps a confidence exactly on the threshold and drops one just below', () => {
    expect(0.07 * 100 > 7).toBe(true); // a naive count >= minConfidence * lhsCount would drop 7/100
    const atLeast7 = confidenceTest({ minConfidence: 0.07, transactions: 1000 });
    expect(atLeast7(7, 100)).toBe(true);
    expect(atLeast7(69, 1000)).toBe(false);
    const third = confidenceTest({ minConfidence: 1 / 3, transactions: 1_000_000 });
    expect(third(1, 3)).toBe(true);
    expect(third(333_332, 1_000_000)).toBe(false);
  });

  it('rejects thresholds that are not numbers ≥ 0', () => {
    expect(() => decimalFraction(Number.NaN)).toThrow(RangeError);
    expect(() => decimalFraction(-0.1)).toThrow(RangeError);
  });
});
