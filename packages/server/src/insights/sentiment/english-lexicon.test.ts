import { describe, expect, it } from 'vitest';
import { englishLexiconScore, latinLetterShare } from './english-lexicon.ts';

describe('English sentiment lexicon', () => {
  it.each([
    ['great service, thank you', 'positive'],
    ['terrible, my order never arrived', 'negative'],
    ['my order never arrived', 'negative'],
    ['the food was not good', 'negative'],
    ['not bad at all', 'positive'],
    ["support didn't help and the app crashes", 'negative'],
    ['no problem, works well', 'positive'],
    ['I liked the menu but delivery was very late', 'negative'],
    ['a bit slow but the staff were amazing', 'positive'],
    ['ghaza sard bud vali khoshmaze bud', 'positive'],
  ])('reads %j as %s', (text, expected) => {
    const score = englishLexiconScore(text) ?? 0;
    expect(score > 0 ? 'positive' : 'negative').toBe(expected);
    expect(Math.abs(score)).toBeLessThanOrEqual(1);
  });

  it('keeps a negation inside its clause', () => {
    expect(englishLexiconScore('not today. great food')).toBeGreaterThan(0);
  });

  it('makes an intensified opinion stronger', () => {
    expect(englishLexiconScore('very good') ?? 0).toBeGreaterThan(englishLexiconScore('good') ?? 0);
  });

  it('has no opinion on text without opinion words', () => {
    expect(englishLexiconScore('order 1234 for tuesday')).toBeNull();
    expect(englishLexiconScore('')).toBeNull();
  });

  it('measures the share of Latin letters, ignoring digits and punctuation', () => {
    expect(latinLetterShare('hello 123!')).toBe(1);
    expect(latinLetterShare('سلام')).toBe(0);
    expect(latinLetterShare('ab سل')).toBe(0.5);
    expect(latinLetterShare('123')).toBe(0);
  });
});
