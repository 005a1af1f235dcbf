import { describe, expect, it } from 'vitest';
import {
  classifySentiment,
  loadDefaultSentimentModel,
  serializeModel,
  trainSentimentModel,
  type LabelledText,
} from './sentiment.service.ts';
import { countFeatures, sentimentTokens } from './sentiment-features.ts';
import { memberMargin } from './linear-member.ts';
import { sigmoid } from './logistic-regression.ts';
import { positiveProbabilities } from './sentiment-model.ts';

// An ice-cream shop, where "cold" is praise and "warm" a complaint: the opposite of food delivery.
const iceCreamShop: LabelledText[] = [
  ...[
    'بستنی سرد رسید',
    'نوشیدنی سرد بود',
    'دوغ سرد بود',
    'آبمیوه سرد رسید',
    'فالوده سرد بود',
    'بستنی ها سرد بودند',
  ].map((text) => ({ text, label: 'positive' as const })),
  ...[
    'بستنی گرم رسید',
    'نوشیدنی گرم بود',
    'دوغ گرم بود',
    'آبمیوه گرم رسید',
    'فالوده گرم بود',
    'بستنی ها آب شده بودند',
  ].map((text) => ({ text, label: 'negative' as const })),
];

describe('training a workspace sentiment model', () => {
  it('changes predictions when retrained on a small custom labelled set', () => {
    const query = ['نوشابه سرد بود'];
    const before = classifySentiment({ model: loadDefaultSentimentModel(), texts: query });
    expect(before[0]?.label).toBe('negative');
    const custom = trainSentimentModel({ examples: iceCreamShop })._unsafeUnwrap();
    const after = classifySentiment({ model: custom, texts: query });
    expect(after[0]?.label).toBe('positive');
    expect(custom.trainedOn.examples).toBe(iceCreamShop.length);
  });

  it('refuses to train without two usable examples of each label', () => {
    const onlyPositive = iceCreamShop.filter((example) => example.label === 'positive');
    const result = trainSentimentModel({ examples: [...onlyPositive, { text: '😡', label: 'negative' }] });
    expect(result._unsafeUnwrapErr()).toEqual({
      type: 'too-few-examples',
      minimumPerLabel: 2,
      positives: onlyPositive.length,
      negatives: 0,
    });
  });

  it('is deterministic: the same examples give the same stored model', () => {
    const first = serializeModel(trainSentimentModel({ examples: iceCreamShop })._unsafeUnwrap());
    const second = serializeModel(trainSentimentModel({ examples: [...iceCreamShop] })._unsafeUnwrap());
    expect(second).toBe(first);
  });

  it('scores English text with the model itself once trained on enough English examples', () => {
    const examples: LabelledText[] = [
      { text: 'the plan upgrade was smooth', label: 'positive' },
      { text: 'billing portal is clear', label: 'positive' },
      { text: 'agent solved it in minutes', label: 'positive' },
      { text: 'the invoice was wrong again', label: 'negative' },
      { text: 'still no callback from billing', label: 'negative' },
      { text: 'portal keeps logging me out', label: 'negative' },
    ];
    const custom = trainSentimentModel({ examples })._unsafeUnwrap();
    expect(custom.latinText).toBe('model');
    const [result] = classifySentiment({ model: custom, texts: ['no callback, invoice wrong'] });
    expect(result).toMatchObject({ method: 'model', label: 'negative' });
  });

  it('scores texts through the merged index exactly as each member scores them alone', () => {
    const model = loadDefaultSentimentModel();
    const texts = ['غذا خیلی خوشمزه بود', 'کیفیت غذا خوب نبود ولی پیک مودب بود', 'ساندویچ‌ها سرد بود'];
    const fast = positiveProbabilities({ model, texts });
    texts.forEach((text, i) => {
      const tokens = sentimentTokens(text);
      const reference =
        model.members.reduce(
          (sum, member) =>
            sum + sigmoid(memberMargin(member, countFeatures({ tokens, spec: member.features }))),
          0,
        ) / model.members.length;
      expect(fast[i]).toBeCloseTo(reference, 12);
    });
  });
});
