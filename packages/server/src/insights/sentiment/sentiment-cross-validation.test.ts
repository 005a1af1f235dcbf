// The accuracy claim of docs/sentiment.md, checked with the same training code that builds the
// shipped model. 5 folds keep this around 10–15 s on one core; the 10-fold figure is in the doc.
import { describe, expect, it } from 'vitest';
import { CROSS_VALIDATION_SEED, crossValidate } from './cross-validation.ts';
import { hasSnappfoodDataset, readSnappfoodReviews } from './snappfood-dataset.ts';
import {
  loadDefaultSentimentModel,
  parseModel,
  serializeModel,
  trainSentimentModel,
} from './sentiment.service.ts';

describe.skipIf(!hasSnappfoodDataset())('sentiment model on SnappFood reviews', () => {
  const examples = hasSnappfoodDataset() ? readSnappfoodReviews() : [];

  it('reads all 6,300 reviews, balanced, including the quoted ones', () => {
    expect(examples).toHaveLength(6300);
    expect(examples.filter((example) => example.label === 'positive')).toHaveLength(3150);
    expect(examples.some((example) => example.text.includes('""'))).toBe(false);
  });

  it('reaches at least 0.85 accuracy on unseen reviews in 5-fold cross-validation', () => {
    const result = crossValidate({ examples, folds: 5, seed: CROSS_VALIDATION_SEED });
    expect(result.mean).toBeGreaterThanOrEqual(0.85);
    expect(Math.min(...result.accuracies)).toBeGreaterThanOrEqual(0.83);
  });

  it('ships the model that the training script produces from the dataset', () => {
    const shipped = loadDefaultSentimentModel();
    // Compared after a storage round trip: the file keeps four significant digits.
    const fresh = parseModel(
      serializeModel(trainSentimentModel({ examples })._unsafeUnwrap()),
    )._unsafeUnwrap();
    expect(fresh.members.map((m) => m.name)).toEqual(shipped.members.map((m) => m.name));
    fresh.members.forEach((member, i) => {
      const twin = shipped.members[i];
      expect([...member.vocabulary.keys()]).toEqual([...(twin?.vocabulary.keys() ?? [])]);
      expect(member.bias).toBeCloseTo(twin?.bias ?? NaN, 2);
      member.weights.forEach((weight, column) => {
        expect(Math.abs(weight - (twin?.weights[column] ?? NaN))).toBeLessThan(
          1e-3 + 1e-3 * Math.abs(weight),
        );
      });
    });
  });
});
