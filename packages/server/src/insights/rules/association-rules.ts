// Association rules with the semantics of R arules' `apriori(target = "rules")`, mined with FP-growth:
// one item on the right, `minLen`/`maxLen` counting both sides, `{} => {y}` rules when minLen is 1,
// support of a rule = support of lhs ∪ rhs, lift = confidence / support(rhs).
import { ARULES_DEFAULT_MAX_LEN, encodeBaskets, mineItemsets } from './fp-growth.ts';
import { confidenceTest, minSupportCount } from './thresholds.ts';

export type AssociationRule = {
  /** Items of the antecedent, sorted; empty for `{} => {y}`. */
  lhs: string[];
  /** Exactly one item. */
  rhs: string[];
  /** Share of baskets holding lhs ∪ rhs. */
  support: number;
  /** count(lhs ∪ rhs) / count(lhs). */
  confidence: number;
  /** confidence / support(rhs). */
  lift: number;
  /** Baskets holding lhs ∪ rhs. */
  count: number;
};

export type MineAssociationRulesInput = {
  baskets: readonly (readonly string[])[];
  minSupport: number;
  minConfidence: number;
  /** Fewest items in lhs and rhs together; 1 also yields `{} => {y}` rules. */
  minLen: number;
  /** Most items in lhs and rhs together; arules' default is 10. */
  maxLen?: number;
};

export type AssociationRules = { transactions: number; rules: AssociationRule[] };

function checkParameters({
  minSupport,
  minConfidence,
  minLen,
  maxLen,
}: Omit<MineAssociationRulesInput, 'baskets'>) {
  // Parameters come from code or from a validated request, so a bad one is a bug and throws.
  if (!(minSupport >= 0 && minSupport <= 1))
    throw new RangeError(`minSupport must be in [0, 1], got ${minSupport}`);
  if (!(minConfidence >= 0 && minConfidence <= 1)) {
    throw new RangeError(`minConfidence must be in [0, 1], got ${minConfidence}`);
  }
  if (!Number.isInteger(minLen) || minLen < 1)
    throw new RangeError(`minLen must be an integer ≥ 1, got ${minLen}`);
  if (maxLen !== undefined && !(maxLen === Infinity || (Number.isInteger(maxLen) && maxLen >= 1))) {
    throw new RangeError(`maxLen must be an integer ≥ 1 or Infinity, got ${maxLen}`);
  }
}

function compareItems(a: readonly string[], b: readonly string[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/** Lift, then confidence, then count descending; then shorter lhs, then by item names: a total order. */
export function compareRules(a: AssociationRule, b: AssociationRule): number {
  return (
    b.lift - a.lift ||
    b.confidence - a.confidence ||
    b.count - a.count ||
    compareItems(a.lhs, b.lhs) ||
    compareItems(a.rhs, b.rhs)
  );
}

function makeRule({
  lhs,
  rhs,
  count,
  lhsCount,
  rhsCount,
  transactions,
}: {
  lhs: string[];
  rhs: string;
  count: number;
  lhsCount: number;
  rhsCount: number;
  transactions: number;
}): AssociationRule {
  const confidence = count / lhsCount;
  // Written as arules computes it, so the values agree to the last digit.
  const lift = (confidence * transactions) / rhsCount;
  return { lhs: lhs.sort(), rhs: [rhs], support: count / transactions, confidence, lift, count };
}

export function mineAssociationRules(input: MineAssociationRulesInput): AssociationRules {
  checkParameters(input);
  const { baskets, minSupport, minConfidence, minLen, maxLen = ARULES_DEFAULT_MAX_LEN } = input;
  const transactions = baskets.length;
  if (transactions === 0 || minLen > maxLen) return { transactions, rules: [] };

  const minCount = minSupportCount({ minSupport, transactions });
  const isConfident = confidenceTest({ minConfidence, transactions });
  const { trie, labels } = mineItemsets({ encoded: encodeBaskets(baskets), minCount, maxLen });
  const depth = Math.max(1, Math.min(maxLen, labels.length));
  const items = new Int32Array(depth);
  const ancestors = new Int32Array(depth + 1);
  const rules: AssociationRule[] = [];

  for (let node = 1; node < trie.size; node++) {
    const size = trie.depth[node]!;
    if (size < minLen) continue;
    const count = trie.count[node]!;
    trie.itemsOf(node, items);
    // ancestors[i] is the node of items[0..i), so lhs = items minus items[r] starts at ancestors[r].
    for (let i = size, n = node; i >= 0; i--, n = trie.parent[n]!) ancestors[i] = n;
    for (let r = size - 1; r >= 0; r--) {
      let lhsNode = ancestors[r]!;
      for (let i = r + 1; i < size; i++) lhsNode = trie.child(lhsNode, items[i]!);
      const lhsCount = trie.count[lhsNode]!;
      if (!isConfident(count, lhsCount)) continue;
      const lhs: string[] = [];
      for (let i = 0; i < size; i++) if (i !== r) lhs.push(labels[items[i]!]!);
      const rhs = items[r]!;
      const rhsCount = trie.count[trie.child(0, rhs)]!;
      rules.push(makeRule({ lhs, rhs: labels[rhs]!, count, lhsCount, rhsCount, transactions }));
    }
  }
  return { transactions, rules: rules.sort(compareRules) };
}

/**
 * Rules from itemsets counted elsewhere (another miner, a stored run), with the same thresholds and
 * order as `mineAssociationRules`. The itemsets must be every frequent itemset up to `maxLen`.
 */
export function rulesFromItemsets({
  itemsets,
  transactions,
  minConfidence,
  minLen,
  maxLen = ARULES_DEFAULT_MAX_LEN,
}: {
  itemsets: readonly { items: readonly string[]; count: number }[];
  transactions: number;
  minConfidence: number;
  minLen: number;
  maxLen?: number;
}): AssociationRule[] {
  checkParameters({ minSupport: 0, minConfidence, minLen, maxLen });
  const key = (items: readonly string[]) => [...items].sort().join('\u0000');
  const countOf = new Map<string, number>();
  for (const itemset of itemsets) countOf.set(key(itemset.items), itemset.count);
  const lookup = (items: readonly string[]): number => {
    if (items.length === 0) return transactions;
    const count = countOf.get(key(items));
    if (count === undefined)
      throw new Error(`itemset {${items.join(',')}} is missing: itemsets are not complete`);
    return count;
  };
  const isConfident = confidenceTest({ minConfidence, transactions });
  const rules: AssociationRule[] = [];
  for (const { items, count } of itemsets) {
    if (items.length < minLen || items.length > maxLen) continue;
    for (const rhs of items) {
      const lhs = items.filter((item) => item !== rhs);
      const lhsCount = lookup(lhs);
      if (!isConfident(count, lhsCount)) continue;
      rules.push(makeRule({ lhs, rhs, count, lhsCount, rhsCount: lookup([rhs]), transactions }));
    }
  }
  return rules.sort(compareRules);
}
