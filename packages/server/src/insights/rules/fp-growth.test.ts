import { describe, expect, it } from 'vitest';
import { bruteForceItemsets, randomBaskets, seededRandom } from './brute-force.test-helper.ts';
import { encodeBaskets, frequentItemsets } from './fp-growth.ts';

const byItems = (itemsets: { items: string[]; count: number }[]) =>
  new Map(itemsets.map(({ items, count }) => [[...items].sort().join('|'), count]));

describe('encodeBaskets', () => {
  it('counts an item repeated in a basket once', () => {
    const encoded = encodeBaskets([['milk', 'milk', 'bread'], ['bread'], []]);
    expect(encoded.labels).toEqual(['milk', 'bread']);
    expect([...encoded.itemCounts]).toEqual([1, 2]);
    expect([...encoded.offsets]).toEqual([0, 2, 3, 3]);
    expect([...encoded.ids]).toEqual([0, 1, 1]);
  });
});

describe('frequentItemsets', () => {
  it('finds the textbook example of Han et al.', () => {
    const baskets = [
      ['f', 'a', 'c', 'd', 'g', 'i', 'm', 'p'],
      ['a', 'b', 'c', 'f', 'l', 'm', 'o'],
      ['b', 'f', 'h', 'j', 'o'],
      ['b', 'c', 'k', 's', 'p'],
      ['a', 'f', 'c', 'e', 'l', 'p', 'm', 'n'],
    ];
    const found = byItems(frequentItemsets({ baskets, minSupport: 0.6 }).itemsets);
    expect(found.get('a|c|f|m')).toBe(3);
    expect(found.get('c|p')).toBe(3);
    expect(found.get('b')).toBe(3);
    expect(found.has('b|f')).toBe(false);
    expect(found.size).toBe(18);
  });

  it('agrees with counting every subset on 60 random basket sets', () => {
    const random = seededRandom(7);
    for (let run = 0; run < 60; run++) {
      const baskets = randomBaskets({ random, items: 9, baskets: 10 + Math.floor(random() * 40) });
      const numerator = 1 + Math.floor(random() * 30);
      const maxLen = 1 + Math.floor(random() * 6);
      const expected = bruteForceItemsets({ baskets, minSupport: { numerator, denominator: 100 }, maxLen });
      const { itemsets } = frequentItemsets({ baskets, minSupport: numerator / 100, maxLen });
      const found = byItems(itemsets);
      expect(found, `run ${run}`).toEqual(new Map([...expected].map(([k, v]) => [k, v.count])));
    }
  });

  it('agrees with counting every subset on dense baskets, where trees outgrow their first arena', () => {
    const random = seededRandom(21);
    const universe = Array.from({ length: 13 }, (_, i) => `i${i}`);
    const baskets = Array.from({ length: 40 }, () => universe.filter(() => random() < 0.8));
    const expected = bruteForceItemsets({
      baskets,
      minSupport: { numerator: 1, denominator: 10 },
      maxLen: 13,
    });
    const { itemsets } = frequentItemsets({ baskets, minSupport: 0.1, maxLen: 13 });
    expect(itemsets.length).toBeGreaterThan(4000);
    expect(byItems(itemsets)).toEqual(new Map([...expected].map(([k, v]) => [k, v.count])));
  });
});
