import { describe, expect, it } from 'vitest';
import {
  CONVERSION,
  markovAttribution,
  NULL_STATE,
  solveLinear,
  START,
  transitionMatrix,
  type ChannelPath,
} from './markov-attribution.ts';

const path = (channels: string[], converted: boolean, customers = 1): ChannelPath => ({
  channels,
  converted,
  customers,
});

describe('markovAttribution', () => {
  // By hand: start→C1 2/3, start→C2 1/3; C1→C2 1/2, C1→null 1/2; C2→C3 1; C3→conv 1/2, C3→null 1/2.
  // P(conv) = 2/3·1/2·1·1/2 + 1/3·1·1/2 = 1/3. Without C1: 1/3·1/2 = 1/6, removal effect 1/2;
  // without C2 or C3 nothing converts: removal effect 1. One conversion split 0.5 : 1 : 1.
  const paths = [path(['c1', 'c2', 'c3'], true), path(['c1'], false), path(['c2', 'c3'], false)];

  it('computes the removal effects and the credited conversions of a hand-computed chain', () => {
    const result = markovAttribution(paths);
    expect(result.conversions).toBe(1);
    expect(result.conversionProbability).toBeCloseTo(1 / 3, 12);
    const byChannel = Object.fromEntries(result.channels.map((c) => [c.channel, c]));
    expect(byChannel.c1!.removalEffect).toBeCloseTo(0.5, 12);
    expect(byChannel.c2!.removalEffect).toBeCloseTo(1, 12);
    expect(byChannel.c3!.removalEffect).toBeCloseTo(1, 12);
    expect(byChannel.c1!.conversions).toBeCloseTo(0.2, 12);
    expect(byChannel.c2!.conversions).toBeCloseTo(0.4, 12);
    expect(byChannel.c3!.conversions).toBeCloseTo(0.4, 12);
  });

  it('lists the transition probabilities with the start, conversion and null states', () => {
    const transitions = transitionMatrix(paths);
    const p = (from: string, to: string) => transitions.find((t) => t.from === from && t.to === to);
    expect(p(START, 'c1')).toMatchObject({ count: 2, probability: 2 / 3 });
    expect(p(START, 'c2')).toMatchObject({ count: 1, probability: 1 / 3 });
    expect(p('c1', 'c2')?.probability).toBe(0.5);
    expect(p('c1', NULL_STATE)?.probability).toBe(0.5);
    expect(p('c2', 'c3')?.probability).toBe(1);
    expect(p('c3', CONVERSION)?.probability).toBe(0.5);
    expect(transitions).toHaveLength(7);
    // Each state's outgoing probabilities sum to 1.
    for (const from of [START, 'c1', 'c2', 'c3']) {
      const sum = transitions.filter((t) => t.from === from).reduce((s, t) => s + t.probability, 0);
      expect(sum).toBeCloseTo(1, 12);
    }
  });

  it('solves a chain with a loop (web → email → web) as a linear system', () => {
    // start→a 1/2, start→b 1/2; a→b 1/2, a→conv 1/2; b→a 1/2, b→null 1/2.
    // p(a) = p(b)/2 + 1/2, p(b) = p(a)/2 → p(a) = 2/3, p(b) = 1/3, P(conv) = 1/2.
    // Without a: 0 (effect 1). Without b: p(a) = 1/2, P = 1/4 (effect 1/2). Credit 2/3 : 1/3.
    const result = markovAttribution([path(['a', 'b', 'a'], true), path(['b'], false)]);
    expect(result.conversionProbability).toBeCloseTo(0.5, 12);
    const byChannel = Object.fromEntries(result.channels.map((c) => [c.channel, c]));
    expect(byChannel.a!.removalEffect).toBeCloseTo(1, 12);
    expect(byChannel.b!.removalEffect).toBeCloseTo(0.5, 12);
    expect(byChannel.a!.conversions).toBeCloseTo(2 / 3, 12);
    expect(byChannel.b!.conversions).toBeCloseTo(1 / 3, 12);
  });

  it('weighs paths by their customers, the same as repeating them', () => {
    const weighted = markovAttribution([path(['web', 'email'], true, 3), path(['email'], false, 2)]);
    const repeated = markovAttribution([
      ...Array.from({ length: 3 }, () => path(['web', 'email'], true)),
      ...Array.from({ length: 2 }, () => path(['email'], false)),
    ]);
    expect(weighted).toEqual(repeated);
    expect(weighted.channels.reduce((s, c) => s + c.conversions, 0)).toBeCloseTo(3, 12);
  });

  it('credits nothing when nobody converted', () => {
    const result = markovAttribution([path(['web'], false, 4)]);
    expect(result.conversions).toBe(0);
    expect(result.channels).toEqual([{ channel: 'web', removalEffect: 0, conversions: 0 }]);
  });
});

describe('solveLinear', () => {
  it('solves a system that needs a row swap', () => {
    const x = solveLinear(
      [
        [0, 2, 1],
        [1, 1, 0],
        [2, 0, 3],
      ],
      [5, 3, 5],
    );
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(2, 12);
    expect(x[2]).toBeCloseTo(1, 12);
  });
});
