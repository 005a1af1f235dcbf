// A slow, obviously correct reference for the tests: every subset of the item universe counted by
// scanning every basket, thresholds compared as integer fractions. Only for tiny data.
import type { AssociationRule } from './association-rules.ts';

export { seededRandom } from '../../core/seeded-random.ts';

export type Fraction = { numerator: number; denominator: number };

export function randomBaskets({
  random,
  items,
  baskets,
}: {
  random: () => number;
  items: number;
  baskets: number;
}) {
  const universe = Array.from({ length: items }, (_, i) => `item-${String.fromCharCode(97 + i)}`);
  // Skewed item popularity, and occasional repeats inside a basket, as real baskets have.
  const weights = universe.map((_, i) => 0.75 / (1 + i * 0.4));
  return Array.from({ length: baskets }, () => {
    const basket = universe.filter((_, i) => random() < weights[i]!);
    if (basket.length > 0 && random() < 0.2) basket.push(basket[0]!);
    return basket;
  });
}

export function bruteForceItemsets({
  baskets,
  minSupport,
  maxLen,
}: {
  baskets: string[][];
  minSupport: Fraction;
  maxLen: number;
}): Map<string, { items: string[]; count: number }> {
  const sets = baskets.map((b) => new Set(b));
  const universe = [...new Set(baskets.flat())].sort();
  const found = new Map<string, { items: string[]; count: number }>();
  for (let mask = 1; mask < 1 << universe.length; mask++) {
    const items = universe.filter((_, i) => mask & (1 << i));
    if (items.length > maxLen) continue;
    const count = sets.filter((s) => items.every((x) => s.has(x))).length;
    if (count === 0 || count * minSupport.denominator < minSupport.numerator * baskets.length) continue;
    found.set(items.join('|'), { items, count });
  }
  return found;
}

export function bruteForceRules({
  baskets,
  minSupport,
  minConfidence,
  minLen,
  maxLen,
}: {
  baskets: string[][];
  minSupport: Fraction;
  minConfidence: Fraction;
  minLen: number;
  maxLen: number;
}): AssociationRule[] {
  const n = baskets.length;
  const itemsets = bruteForceItemsets({ baskets, minSupport, maxLen });
  const countOf = (items: string[]) => (items.length === 0 ? n : itemsets.get(items.join('|'))!.count);
  const rules: AssociationRule[] = [];
  for (const { items, count } of itemsets.values()) {
    if (items.length < minLen) continue;
    for (const rhs of items) {
      const lhs = items.filter((x) => x !== rhs);
      const lhsCount = countOf(lhs);
      if (count * minConfidence.denominator < minConfidence.numerator * lhsCount) continue;
      const confidence = count / lhsCount;
      const lift = (confidence * n) / countOf([rhs]);
      rules.push({ lhs, rhs: [rhs], support: count / n, confidence, lift, count });
    }
  }
  return rules;
}

/** A rule as one comparable string, for order-free comparisons. */
export function ruleKey(rule: AssociationRule): string {
  return `${rule.lhs.join(',')} => ${rule.rhs.join(',')} #${rule.count}`;
}
