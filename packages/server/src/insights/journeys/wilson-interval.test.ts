import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson-interval.ts';

describe('wilsonInterval', () => {
  it('gives the published intervals (Newcombe 1998, Table I: 81/263 → 0.2553–0.3662)', () => {
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
    const [lo2, hi2] = wilsonInterval(81, 263);
    expect(lo2).toBeCloseTo(0.2553, 4);
    expect(hi2).toBeCloseTo(0.3662, 4);
  });

  it('stays inside [0, 1] at 0 and at n successes, and is wide for one trial', () => {
    const [lo0, hi0] = wilsonInterval(0, 5);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.4345, 4);
    const [loN, hiN] = wilsonInterval(5, 5);
    expect(loN).toBeCloseTo(0.5655, 4);
    expect(hiN).toBeCloseTo(1, 12);
    const [lo1, hi1] = wilsonInterval(1, 1);
    expect(hi1 - lo1).toBeGreaterThan(0.7);
  });

  it('refuses zero trials', () => {
    expect(() => wilsonInterval(0, 0)).toThrow();
  });
});
