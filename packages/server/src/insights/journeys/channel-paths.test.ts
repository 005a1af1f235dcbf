import { describe, expect, it } from 'vitest';
import { heuristicAttribution, topConvertingPaths } from './channel-paths.ts';
import type { ChannelPath } from './markov-attribution.ts';

const paths: ChannelPath[] = [
  { channels: ['email', 'web'], converted: true, customers: 3 },
  { channels: ['web'], converted: true, customers: 3 },
  { channels: ['web', 'email', 'web'], converted: true, customers: 2 },
  { channels: ['sms'], converted: false, customers: 10 },
];

describe('topConvertingPaths', () => {
  it('ranks converting paths by customers, shorter first on ties, with their share of converters', () => {
    expect(topConvertingPaths(paths, 10)).toEqual([
      { channels: ['web'], customers: 3, share: 3 / 8 },
      { channels: ['email', 'web'], customers: 3, share: 3 / 8 },
      { channels: ['web', 'email', 'web'], customers: 2, share: 2 / 8 },
    ]);
    expect(topConvertingPaths(paths, 1)).toHaveLength(1);
  });

  it('adds up the same path given twice', () => {
    const twice = topConvertingPaths(
      [
        { channels: ['web'], converted: true, customers: 1 },
        { channels: ['web'], converted: true, customers: 2 },
      ],
      5,
    );
    expect(twice).toEqual([{ channels: ['web'], customers: 3, share: 1 }]);
  });
});

describe('heuristicAttribution', () => {
  it('credits the first channel, the last channel, and every visit equally', () => {
    const credit = heuristicAttribution(paths);
    expect(credit.get('email')).toEqual({ firstTouch: 3, lastTouch: 0, linear: 3 / 2 + 2 / 3 });
    const web = credit.get('web')!;
    expect(web.firstTouch).toBe(5);
    expect(web.lastTouch).toBe(8);
    expect(web.linear).toBeCloseTo(3 / 2 + 3 + (2 * 2) / 3, 12);
    // Non-converting paths get no credit.
    expect(credit.has('sms')).toBe(false);
  });
});
