import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { datasetPath, hasDataset } from '../../core/datasets.ts';
import { alsoBought } from './also-bought.ts';
import { mineAssociationRules, type AssociationRule } from './association-rules.ts';
import { parseBasketLines } from './baskets-csv.ts';

const rule = (lhs: string[], rhs: string, confidence: number, lift: number, count = 10): AssociationRule => ({
  lhs,
  rhs: [rhs],
  support: count / 100,
  confidence,
  lift,
  count,
});

const rules = [
  rule(['phone'], 'case', 0.6, 3),
  rule(['phone'], 'charger', 0.4, 5),
  rule(['phone', 'case'], 'charger', 0.7, 2.5),
  rule(['laptop'], 'mouse', 0.9, 4),
  rule(['phone'], 'sim card', 0.3, 1.2),
  rule([], 'sim card', 0.35, 1),
];

describe('alsoBought', () => {
  it('recommends from rules whose lhs the customer owns, best confidence first, owned items left out', () => {
    const recommendations = alsoBought({ rules, items: ['phone'], limit: 10 });
    expect(recommendations.map((r) => r.item)).toEqual(['case', 'charger', 'sim card']);
    expect(recommendations[0]).toEqual({
      item: 'case',
      confidence: 0.6,
      lift: 3,
      support: 0.1,
      count: 10,
      because: ['phone'],
    });
    // {} => {sim card} holds for everybody and beats the weaker rule from the phone.
    expect(recommendations[2]).toMatchObject({ confidence: 0.35, because: [] });
  });

  it('uses the strongest rule that applies and never recommends what is owned', () => {
    const recommendations = alsoBought({ rules, items: ['phone', 'case'], limit: 10 });
    expect(recommendations.map((r) => [r.item, r.because])).toEqual([
      ['charger', ['phone', 'case']],
      ['sim card', []],
    ]);
  });

  it('ranks by lift when asked and stops at the limit', () => {
    const recommendations = alsoBought({ rules, items: ['phone'], limit: 2, rankBy: 'lift' });
    expect(recommendations.map((r) => r.item)).toEqual(['charger', 'case']);
    expect(alsoBought({ rules, items: ['phone'], limit: 0 })).toEqual([]);
    expect(() => alsoBought({ rules, items: ['phone'], limit: -1 })).toThrow(RangeError);
  });

  it('recommends nothing for items no rule starts from, apart from rules with an empty lhs', () => {
    expect(alsoBought({ rules, items: ['kettle'], limit: 5 }).map((r) => r.item)).toEqual(['sim card']);
    expect(alsoBought({ rules: rules.slice(0, 5), items: [], limit: 5 })).toEqual([]);
  });

  it('mines baskets itself when given baskets instead of rules', () => {
    const baskets = [
      ...Array.from({ length: 6 }, () => ['pasta', 'tomato sauce', 'parmesan']),
      ...Array.from({ length: 3 }, () => ['pasta', 'tomato sauce']),
      ...Array.from({ length: 11 }, () => ['bread']),
    ];
    const recommendations = alsoBought({
      baskets,
      items: ['pasta'],
      limit: 3,
      minSupport: 0.1,
      minConfidence: 0.5,
    });
    expect(recommendations.map((r) => [r.item, r.count])).toEqual([
      ['tomato sauce', 9],
      ['parmesan', 6],
    ]);
    expect(recommendations[1]!.confidence).toBeCloseTo(6 / 9, 12);
  });
});

describe.skipIf(!hasDataset('groceries.csv'))('alsoBought on groceries.csv', () => {
  it('recommends for a shopper with herbs and whole milk from the mined rules', () => {
    const baskets = parseBasketLines(readFileSync(datasetPath('groceries.csv'), 'utf8'));
    const mined = mineAssociationRules({ baskets, minSupport: 0.006, minConfidence: 0.25, minLen: 2 }).rules;
    const recommendations = alsoBought({
      rules: mined,
      items: ['herbs', 'whole milk'],
      limit: 3,
      rankBy: 'lift',
    });
    expect(recommendations[0]).toMatchObject({ item: 'root vegetables', because: ['herbs'] });
    expect(recommendations.every((r) => r.item !== 'herbs' && r.item !== 'whole milk')).toBe(true);
  });
});
