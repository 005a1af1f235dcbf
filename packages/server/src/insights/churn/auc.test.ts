import { describe, expect, it } from 'vitest';
import { areaUnderRoc } from './auc.ts';

describe('area under the ROC curve', () => {
  it('gives scikit-learn’s 0.75 on its documented example', () => {
    expect(areaUnderRoc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(areaUnderRoc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(areaUnderRoc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('credits a tie between a positive and a negative with one half', () => {
    expect(areaUnderRoc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // Pairs: (0.3 vs 0.3) tie ½, (0.3 vs 0.1) 1, (0.7 vs 0.3) 1, (0.7 vs 0.1) 1 → 3.5 / 4.
    expect(areaUnderRoc([0.3, 0.1, 0.3, 0.7], [0, 0, 1, 1])).toBe(0.875);
  });

  it('equals the brute-force pair count on random scores with ties', () => {
    const scores = Array.from({ length: 200 }, (_, i) => ((i * 7919) % 13) / 13);
    const labels = scores.map((_, i) => ((i * 104729) % 5 < 2 ? 1 : 0));
    let credit = 0;
    let pairs = 0;
    scores.forEach((sp, i) => {
      if (labels[i] !== 1) return;
      scores.forEach((sn, j) => {
        if (labels[j] !== 0) return;
        pairs++;
        credit += sp > sn ? 1 : sp === sn ? 0.5 : 0;
      });
    });
    expect(areaUnderRoc(scores, labels)).toBeCloseTo(credit / pairs, 12);
  });

  it('is NaN when one class is missing', () => {
    expect(areaUnderRoc([0.1, 0.2], [1, 1])).toBeNaN();
  });
});
