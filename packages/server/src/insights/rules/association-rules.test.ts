import { describe, expect, it } from 'vitest';
import { mineAssociationRules, rulesFromItemsets, type AssociationRule } from './association-rules.ts';
import { bruteForceRules, randomBaskets, ruleKey, seededRandom } from './brute-force.test-helper.ts';
import { frequentItemsets } from './fp-growth.ts';

const repeat = (times: number, basket: string[]) => Array.from({ length: times }, () => [...basket]);
const find = (rules: AssociationRule[], lhs: string[], rhs: string) =>
  rules.find((r) => r.rhs[0] === rhs && r.lhs.join('|') === [...lhs].sort().join('|'));

describe('mineAssociationRules', () => {
  it('keeps a rule whose support is exactly the minimum, where 0.07 × 100 rounds up to 8 baskets', () => {
    const baskets = [...repeat(7, ['tea', 'sugar']), ...repeat(93, ['bread'])];
    const { rules } = mineAssociationRules({ baskets, minSupport: 0.07, minConfidence: 0.5, minLen: 2 });
    expect(find(rules, ['tea'], 'sugar')).toMatchObject({ count: 7, support: 0.07, confidence: 1 });
    const stricter = mineAssociationRules({ baskets, minSupport: 0.071, minConfidence: 0.5, minLen: 2 });
    expect(stricter.rules).toEqual([]);
  });

  it('keeps a rule whose confidence is exactly the minimum, where 0.07 × 100 > 7', () => {
    const baskets = [...repeat(7, ['tea', 'sugar']), ...repeat(93, ['tea'])];
    const at = mineAssociationRules({ baskets, minSupport: 0.01, minConfidence: 0.07, minLen: 2 });
    expect(find(at.rules, ['tea'], 'sugar')).toMatchObject({ count: 7, confidence: 0.07 });
    const above = mineAssociationRules({ baskets, minSupport: 0.01, minConfidence: 0.0701, minLen: 2 });
    expect(find(above.rules, ['tea'], 'sugar')).toBeUndefined();
  });

  it('counts an item repeated in a basket once', () => {
    const baskets = [['milk', 'milk', 'bread'], ['milk', 'bread', 'bread'], ['bread'], ['eggs']];
    const { transactions, rules } = mineAssociationRules({
      baskets,
      minSupport: 0.5,
      minConfidence: 0.5,
      minLen: 2,
    });
    expect(transactions).toBe(4);
    expect(find(rules, ['milk'], 'bread')).toEqual({
      lhs: ['milk'],
      rhs: ['bread'],
      count: 2,
      support: 0.5,
      confidence: 1,
      lift: 4 / 3,
    });
    expect(find(rules, ['bread'], 'milk')).toMatchObject({ count: 2, confidence: 2 / 3, lift: 4 / 3 });
  });

  it('emits {} => {y} rules with minLen 1, whose confidence is the support of y', () => {
    const baskets = [['a', 'b'], ['a'], ['a', 'c'], ['b']];
    const withEmpty = mineAssociationRules({ baskets, minSupport: 0.25, minConfidence: 0.5, minLen: 1 });
    expect(find(withEmpty.rules, [], 'a')).toEqual({
      lhs: [],
      rhs: ['a'],
      count: 3,
      support: 0.75,
      confidence: 0.75,
      lift: 1,
    });
    expect(find(withEmpty.rules, [], 'b')).toMatchObject({ confidence: 0.5 });
    expect(find(withEmpty.rules, [], 'c')).toBeUndefined(); // confidence 0.25 < 0.5
    const withoutEmpty = mineAssociationRules({ baskets, minSupport: 0.25, minConfidence: 0.5, minLen: 2 });
    expect(withoutEmpty.rules.every((r) => r.lhs.length > 0)).toBe(true);
  });

  it('counts both sides in minLen and maxLen, with exactly one item on the right', () => {
    const baskets = repeat(5, ['a', 'b', 'c', 'd']);
    const sizes = (minLen: number, maxLen?: number) =>
      mineAssociationRules({ baskets, minSupport: 0.1, minConfidence: 0.1, minLen, maxLen }).rules.map(
        (r) => r.lhs.length + r.rhs.length,
      );
    expect(new Set(sizes(2, 2))).toEqual(new Set([2]));
    expect(sizes(2, 2)).toHaveLength(12); // 6 pairs, each both ways
    expect(sizes(3)).toHaveLength(4 * 3 + 1 * 4);
    expect(sizes(1, 1)).toHaveLength(4);
    expect(sizes(3, 2)).toEqual([]);
    const { rules } = mineAssociationRules({ baskets, minSupport: 0.1, minConfidence: 0.1, minLen: 1 });
    expect(rules.every((r) => r.rhs.length === 1 && !r.lhs.includes(r.rhs[0]!))).toBe(true);
  });

  it('sorts by lift, then confidence, then count, then names, whatever the basket order', () => {
    const random = seededRandom(3);
    const baskets = randomBaskets({ random, items: 8, baskets: 80 });
    const input = { minSupport: 0.05, minConfidence: 0.2, minLen: 1 };
    const { rules } = mineAssociationRules({ baskets, ...input });
    for (let i = 1; i < rules.length; i++) expect(rules[i - 1]!.lift).toBeGreaterThanOrEqual(rules[i]!.lift);
    const shuffled = [...baskets].reverse().map((b) => [...b].reverse());
    expect(mineAssociationRules({ baskets: shuffled, ...input }).rules).toEqual(rules);
  });

  it('agrees with counting every subset on 80 random basket sets', () => {
    const random = seededRandom(11);
    for (let run = 0; run < 80; run++) {
      const baskets = randomBaskets({ random, items: 8, baskets: 5 + Math.floor(random() * 60) });
      const support = { numerator: 1 + Math.floor(random() * 25), denominator: 100 };
      const confidence = { numerator: Math.floor(random() * 11), denominator: 10 };
      const minLen = 1 + Math.floor(random() * 3);
      const maxLen = minLen + Math.floor(random() * 4);
      const expected = bruteForceRules({
        baskets,
        minSupport: support,
        minConfidence: confidence,
        minLen,
        maxLen,
      });
      const { rules } = mineAssociationRules({
        baskets,
        minSupport: support.numerator / support.denominator,
        minConfidence: confidence.numerator / confidence.denominator,
        minLen,
        maxLen,
      });
      expect(rules.map(ruleKey).sort(), `run ${run}`).toEqual(expected.map(ruleKey).sort());
      const byKey = new Map(expected.map((r) => [ruleKey(r), r]));
      for (const rule of rules) expect(rule).toEqual(byKey.get(ruleKey(rule)));
    }
  });

  it('returns no rules for no baskets and rejects out-of-range parameters', () => {
    expect(mineAssociationRules({ baskets: [], minSupport: 0.1, minConfidence: 0.1, minLen: 1 })).toEqual({
      transactions: 0,
      rules: [],
    });
    const baskets = [['a']];
    expect(() => mineAssociationRules({ baskets, minSupport: 1.5, minConfidence: 0.1, minLen: 1 })).toThrow(
      RangeError,
    );
    expect(() => mineAssociationRules({ baskets, minSupport: 0.1, minConfidence: -1, minLen: 1 })).toThrow(
      RangeError,
    );
    expect(() => mineAssociationRules({ baskets, minSupport: 0.1, minConfidence: 0.1, minLen: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      mineAssociationRules({ baskets, minSupport: 0.1, minConfidence: 0.1, minLen: 1, maxLen: 1.5 }),
    ).toThrow(RangeError);
  });
});

describe('rulesFromItemsets', () => {
  it('derives the same rules from itemsets mined elsewhere', () => {
    const baskets = randomBaskets({ random: seededRandom(5), items: 8, baskets: 60 });
    const input = { minConfidence: 0.3, minLen: 1, maxLen: 4 };
    const { itemsets } = frequentItemsets({ baskets, minSupport: 0.05, maxLen: 4 });
    const derived = rulesFromItemsets({ itemsets, transactions: baskets.length, ...input });
    expect(derived).toEqual(mineAssociationRules({ baskets, minSupport: 0.05, ...input }).rules);
  });

  it('refuses itemsets with a frequent subset missing', () => {
    const itemsets = [{ items: ['a', 'b'], count: 2 }];
    expect(() => rulesFromItemsets({ itemsets, transactions: 4, minConfidence: 0, minLen: 2 })).toThrow(
      /missing/,
    );
  });
});
