import { describe, expect, it } from 'vitest';
import { hazardByInterval, kaplanMeier, medianSurvival, restrictedMean } from './kaplan-meier.ts';

// Freireich et al. (1963), 6-MP arm, weeks of remission; * = censored (Gehan 1965).
const SIX_MP = '6 6 6 6* 7 9* 10 10* 11* 13 16 17* 19* 20* 22 23 25* 32* 32* 34* 35*'
  .split(' ')
  .map((t) => ({ time: Number(t.replace('*', '')), event: !t.endsWith('*') }));

describe('Kaplan–Meier', () => {
  it('reproduces the published 6-MP curve of Freireich 1963', () => {
    const curve = kaplanMeier(SIX_MP);
    expect(curve.map((p) => p.time)).toEqual([6, 7, 10, 13, 16, 22, 23]);
    const published = [0.857, 0.807, 0.753, 0.69, 0.627, 0.538, 0.448];
    curve.forEach((p, i) => expect(p.survival).toBeCloseTo(published[i]!, 3));
    expect(curve.map((p) => p.atRisk)).toEqual([21, 17, 15, 12, 11, 7, 6]);
    expect(curve.map((p) => p.events)).toEqual([3, 1, 1, 1, 1, 1, 1]);
  });

  it('gives the median of 23 weeks and the restricted mean as the area under the steps', () => {
    const curve = kaplanMeier(SIX_MP);
    expect(medianSurvival(curve)).toBe(23);
    const s = curve.map((p) => p.survival);
    const area = 6 + s[0]! * 1 + s[1]! * 3 + s[2]! * 3 + s[3]! * 3 + s[4]! * 6 + s[5]! * 1 + s[6]! * 12;
    expect(restrictedMean(curve, 35)).toBeCloseTo(area, 12);
    expect(restrictedMean(curve, 35)).toBeCloseTo(23.287, 3);
    expect(restrictedMean(curve, 5)).toBe(5);
  });

  it('has no median while more than half survive, and survival 1 without events', () => {
    const mostStay = [1, 2, 3, 4].map((time) => ({ time, event: time === 1 }));
    expect(kaplanMeier(mostStay)).toEqual([{ time: 1, survival: 0.75, atRisk: 4, events: 1 }]);
    expect(medianSurvival(kaplanMeier(mostStay))).toBeNull();
    expect(kaplanMeier([{ time: 4, event: false }])).toEqual([]);
  });

  it('builds an actuarial life table with censorings counting half an interval', () => {
    // Width 10: [0,10): 4 events (6,6,6,7), 2 censored (6*, 9*), 21 entering → 4 / 20.
    const table = hazardByInterval(SIX_MP, 10);
    expect(table[0]).toEqual({ month: 0, hazard: 4 / 20, atRisk: 21, events: 4 });
    // [10,20): entering 15; events 10, 13, 16; censored 10*, 11*, 17*, 19* → 3 / 13.
    expect(table[1]).toEqual({ month: 1, hazard: 3 / 13, atRisk: 15, events: 3 });
    expect(table.reduce((n, r) => n + r.events, 0)).toBe(9);
  });
});
