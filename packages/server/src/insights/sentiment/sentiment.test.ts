import { describe, expect, it } from 'vitest';
import {
  classifySentiment,
  loadDefaultSentimentModel,
  parseModel,
  serializeModel,
  type SentimentResult,
} from './sentiment.service.ts';

const model = loadDefaultSentimentModel();
const classify = (texts: string[]): SentimentResult[] => classifySentiment({ model, texts });
const labels = (texts: string[]) => classify(texts).map((result) => result.label);

describe('default sentiment model', () => {
  it('loads the shipped model from disk without a network', () => {
    expect(model.members.length).toBeGreaterThan(0);
    expect(model.trainedOn.examples).toBe(6300);
    expect(loadDefaultSentimentModel()).toBe(model);
  });

  it('labels clear Persian praise positive and clear complaints negative', () => {
    expect(
      labels([
        'غذا خیلی خوشمزه بود و به موقع رسید، ممنون',
        'بسیار عالی بود',
        'پیک خیلی مودب بود، ممنون از پیگیری شما',
        'غذا سرد بود و دیر رسید',
        'پشتیبانی خیلی بد جواب داد',
        'پول من برگشت داده نشد',
      ]),
    ).toEqual(['positive', 'positive', 'positive', 'negative', 'negative', 'negative']);
  });

  it('reads a negated copula as negating the word before it ("خوب نبود" is a complaint)', () => {
    expect(labels(['کیفیت غذا خوب نبود', 'اصلا راضی نبودم', 'کیفیت غذا خوب بود'])).toEqual([
      'negative',
      'negative',
      'positive',
    ]);
  });

  it('gives Arabic-letter, Arabic-digit and ZWNJ variants of a text the same result', () => {
    const [arabic, persian] = classify(['كيفيت غذا عالي بود', 'کیفیت غذا عالی بود']);
    expect(arabic).toEqual(persian);
    expect(persian?.label).toBe('positive');
    const [zwnj, space, arabicDigits] = classify([
      'ساندویچ‌ها سرد بود ۲ ساعت دیر رسید',
      'ساندویچ ها سرد بود 2 ساعت دیر رسید',
      'ساندويچ ها سرد بود ٢ ساعت دير رسيد',
    ]);
    expect(zwnj).toEqual(space);
    expect(arabicDigits).toEqual(space);
    expect(space?.label).toBe('negative');
  });

  it('reads letters stretched for emphasis as the plain word', () => {
    expect(classify(['خیلیییی خوب بود'])).toEqual(classify(['خیلی خوب بود']));
  });

  it('scores mostly-English text with the English lexicon', () => {
    const results = classify([
      'great service, thank you',
      'terrible, my order never arrived',
      'the food was not good',
      'not bad at all',
    ]);
    expect(results.map((result) => result.method)).toEqual(['lexicon', 'lexicon', 'lexicon', 'lexicon']);
    expect(results.map((result) => result.label)).toEqual(['positive', 'negative', 'negative', 'positive']);
  });

  it('sends mixed Persian and English text to the Persian model', () => {
    const [mixed] = classify(['the kebab was great عالی بود']);
    expect(mixed).toMatchObject({ method: 'model', label: 'positive' });
  });

  it('is neutral, with score 0, for text without words', () => {
    for (const result of classify(['', '   ', '!!! ؟؟', '😀👍', '12345', '۱۲۳'])) {
      expect(result).toEqual({ label: 'neutral', score: 0, method: 'none' });
    }
  });

  it('is neutral when the score falls inside the neutral band', () => {
    const texts = ['بد نبود', 'بسیار عالی بود', 'ok'];
    const results = classify(texts);
    for (const result of results) {
      expect(result.score).toBeGreaterThanOrEqual(-1);
      expect(result.score).toBeLessThanOrEqual(1);
      expect(result.label === 'neutral').toBe(Math.abs(result.score) < model.neutralBand);
    }
    expect(classifySentiment({ model, texts, neutralBand: 1 }).map((r) => r.label)).toEqual([
      'neutral',
      'neutral',
      'neutral',
    ]);
    expect(classifySentiment({ model, texts, neutralBand: 0 }).every((r) => r.label !== 'neutral')).toBe(
      true,
    );
  });

  it('keeps results in the order of the texts in a batch', () => {
    const texts = ['بسیار عالی بود', 'غذا سرد بود و دیر رسید', '', 'great, thanks'];
    const batch = classify(texts);
    expect(batch).toEqual(texts.flatMap((text) => classify([text])));
  });
});

describe('stored sentiment models', () => {
  it('round-trips through serializeModel and parseModel with unchanged predictions', () => {
    const parsed = parseModel(serializeModel(model));
    expect(parsed.isOk()).toBe(true);
    const texts = ['غذا خیلی خوشمزه بود', 'غذا سرد بود و دیر رسید', 'کیفیت غذا خوب نبود'];
    const before = classify(texts);
    const after = classifySentiment({ model: parsed._unsafeUnwrap(), texts });
    after.forEach((result, i) => {
      expect(result.label).toBe(before[i]?.label);
      expect(result.score).toBeCloseTo(before[i]?.score ?? NaN, 3);
    });
  });

  it('returns an error value, not a throw, for text that is not a stored model', () => {
    expect(parseModel('not json')._unsafeUnwrapErr().type).toBe('invalid-sentiment-model');
    expect(parseModel('{"format":"something-else"}')._unsafeUnwrapErr().type).toBe('invalid-sentiment-model');
    const stored = JSON.parse(serializeModel(model)) as { members: { weights: number[] }[] };
    stored.members[0]?.weights.pop();
    expect(parseModel(JSON.stringify(stored))._unsafeUnwrapErr().message).toMatch(/differ in length/);
  });
});
