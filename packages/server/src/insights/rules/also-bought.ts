// "Customers who bought X also bought Y": recommendations for a set of owned items (a profile's
// purchases, a template's products) from association rules whose lhs the set already contains.
import { mineAssociationRules, type AssociationRule } from './association-rules.ts';

export type Recommendation = {
  item: string;
  /** Of the baskets holding `because`, the share that also held `item`. */
  confidence: number;
  lift: number;
  /** Share of all baskets holding `because` and `item` together. */
  support: number;
  count: number;
  /** The owned items the recommendation follows from: the lhs of the best rule (empty for a rule `{} => {y}`). */
  because: string[];
};

export type AlsoBoughtRanking = 'confidence' | 'lift';

type AlsoBoughtCommon = {
  /** Items the customer (or template) already has; never recommended back. */
  items: readonly string[];
  limit: number;
  /** `confidence` (default) favours what is most likely bought next; `lift` what is most specific to these items. */
  rankBy?: AlsoBoughtRanking;
};

/** Thresholds used when `alsoBought` mines the baskets itself. */
export const ALSO_BOUGHT_DEFAULTS = { minSupport: 0.001, minConfidence: 0.1, maxLen: 4 } as const;

export type AlsoBoughtInput = AlsoBoughtCommon &
  (
    | {
        /** Rules mined once (mineAssociationRules) and reused for many customers: the fast path. */
        rules: readonly AssociationRule[];
      }
    | {
        /** Baskets to mine now, with rules of at least two items (no `{} => {y}` popularity rules). */
        baskets: readonly (readonly string[])[];
        minSupport?: number;
        minConfidence?: number;
        maxLen?: number;
      }
  );

function better(a: AssociationRule, b: AssociationRule, rankBy: AlsoBoughtRanking): number {
  const [first, second] =
    rankBy === 'lift' ? (['lift', 'confidence'] as const) : (['confidence', 'lift'] as const);
  return (
    b[first] - a[first] ||
    b[second] - a[second] ||
    b.count - a.count ||
    a.lhs.length - b.lhs.length ||
    byName(a.lhs.join('\u0000'), b.lhs.join('\u0000'))
  );
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ranked recommendations: for each item not owned, its best rule whose lhs is among the owned items. */
export function alsoBought(input: AlsoBoughtInput): Recommendation[] {
  const { items, limit, rankBy = 'confidence' } = input;
  if (!Number.isInteger(limit) || limit < 0)
    throw new RangeError(`limit must be an integer ≥ 0, got ${limit}`);
  const rules =
    'rules' in input
      ? input.rules
      : mineAssociationRules({
          baskets: input.baskets,
          minSupport: input.minSupport ?? ALSO_BOUGHT_DEFAULTS.minSupport,
          minConfidence: input.minConfidence ?? ALSO_BOUGHT_DEFAULTS.minConfidence,
          minLen: 2,
          maxLen: input.maxLen ?? ALSO_BOUGHT_DEFAULTS.maxLen,
        }).rules;
  const owned = new Set(items);
  const best = new Map<string, AssociationRule>();
  for (const rule of rules) {
    const item = rule.rhs[0];
    if (item === undefined || owned.has(item) || !rule.lhs.every((x) => owned.has(x))) continue;
    const current = best.get(item);
    if (!current || better(rule, current, rankBy) < 0) best.set(item, rule);
  }
  return [...best.entries()]
    .sort(([itemA, a], [itemB, b]) => better(a, b, rankBy) || byName(itemA, itemB))
    .slice(0, limit)
    .map(([item, rule]) => ({
      item,
      confidence: rule.confidence,
      lift: rule.lift,
      support: rule.support,
      count: rule.count,
      because: [...rule.lhs],
    }));
}
