// The arules reference counts on the classic Groceries data (9,835 baskets), and a cross-check of every
// itemset and rule against node-fpgrowth's independently mined itemsets.
import { readFileSync } from 'node:fs';
import { FPGrowth } from 'node-fpgrowth';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetPath, hasDataset } from '../../core/datasets.ts';
import { mineAssociationRules, rulesFromItemsets, type AssociationRule } from './association-rules.ts';
import { parseBasketLines } from './baskets-csv.ts';
import { frequentItemsets } from './fp-growth.ts';

const SETTINGS = [
  { minSupport: 0.006, minConfidence: 0.25, minLen: 2, rules: 463, itemsets: 747 },
  { minSupport: 0.001, minConfidence: 0.8, minLen: 1, rules: 410, itemsets: 13492 },
] as const;

const find = (rules: AssociationRule[], lhs: string[], rhs: string) =>
  rules.find((r) => r.rhs[0] === rhs && r.lhs.join('|') === [...lhs].sort().join('|'));

describe.skipIf(!hasDataset('groceries.csv'))('association rules on groceries.csv', () => {
  let baskets: string[][] = [];
  beforeAll(() => {
    baskets = parseBasketLines(readFileSync(datasetPath('groceries.csv'), 'utf8'));
  });

  it.each(SETTINGS)(
    'finds the $rules rules arules finds at support $minSupport, confidence $minConfidence, minLen $minLen',
    ({ minSupport, minConfidence, minLen, rules }) => {
      expect(baskets).toHaveLength(9835);
      const result = mineAssociationRules({ baskets, minSupport, minConfidence, minLen });
      expect(result.transactions).toBe(9835);
      expect(result.rules).toHaveLength(rules);
    },
  );

  it('gives the support, confidence and lift arules prints for well-known rules', () => {
    const common = mineAssociationRules({ baskets, minSupport: 0.006, minConfidence: 0.25, minLen: 2 }).rules;
    expect(common[0]).toMatchObject({ lhs: ['herbs'], rhs: ['root vegetables'], count: 69 });
    expect(find(common, ['herbs'], 'root vegetables')).toMatchObject({
      support: expect.closeTo(0.00701576, 8),
      confidence: expect.closeTo(0.43125, 8),
      lift: expect.closeTo(3.956477, 6),
    });
    expect(find(common, ['berries'], 'whipped/sour cream')).toMatchObject({
      count: 89,
      confidence: expect.closeTo(0.2721713, 7),
      lift: expect.closeTo(3.796886, 6),
    });
    const strong = mineAssociationRules({ baskets, minSupport: 0.001, minConfidence: 0.8, minLen: 1 }).rules;
    expect(strong[0]).toMatchObject({ lhs: ['liquor', 'red/blush wine'], rhs: ['bottled beer'], count: 19 });
    expect(strong[0]!.support).toBeCloseTo(0.001931876, 9);
    expect(strong[0]!.confidence).toBeCloseTo(0.9047619, 7);
    expect(strong[0]!.lift).toBeCloseTo(11.235269, 6);
    expect(strong.some((r) => r.lhs.length === 0)).toBe(false); // no item is in 80 % of baskets
  });

  it('reports counts that match a scan of the baskets for every rule', () => {
    const sets = baskets.map((b) => new Set(b));
    const memo = new Map<string, number>();
    const countOf = (items: string[]) => {
      const key = items.join('|');
      const count = memo.get(key) ?? sets.filter((s) => items.every((x) => s.has(x))).length;
      memo.set(key, count);
      return count;
    };
    const { rules } = mineAssociationRules({ baskets, minSupport: 0.006, minConfidence: 0.25, minLen: 2 });
    for (const rule of rules) {
      const count = countOf([...rule.lhs, ...rule.rhs]);
      expect(rule.count).toBe(count);
      expect(rule.confidence).toBe(count / countOf(rule.lhs));
      expect(rule.lift).toBeCloseTo((count / countOf(rule.lhs) / countOf(rule.rhs)) * baskets.length, 10);
    }
  });

  it.each(SETTINGS)(
    'mines the same $itemsets itemsets as node-fpgrowth at support $minSupport, and the same rules from them',
    async ({ minSupport, minConfidence, minLen, itemsets }) => {
      const ours = frequentItemsets({ baskets, minSupport });
      const peer = (await new FPGrowth<string>(minSupport).exec(baskets)).map(({ items, support }) => ({
        items: [...items].sort(),
        count: support,
      }));
      const byItems = (sets: { items: string[]; count: number }[]) =>
        new Map(sets.map(({ items, count }) => [items.join('|'), count]));
      expect(ours.itemsets).toHaveLength(itemsets);
      expect(byItems(ours.itemsets)).toEqual(byItems(peer));
      const fromPeer = rulesFromItemsets({
        itemsets: peer,
        transactions: baskets.length,
        minConfidence,
        minLen,
      });
      expect(mineAssociationRules({ baskets, minSupport, minConfidence, minLen }).rules).toEqual(fromPeer);
    },
  );
});
