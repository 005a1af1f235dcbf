import { describe, expect, it } from 'vitest';
import { normalizePersian, toLatinDigits, toPersianDigits, tokenize } from './persian-text.ts';

describe('persian text', () => {
  it('treats Arabic yeh and kaf as their Persian letters', () => {
    expect(normalizePersian('كيك')).toBe(normalizePersian('کیک'));
  });
  it('turns Persian and Arabic-Indic digits into Latin digits', () => {
    expect(toLatinDigits('۰۹۱۲ ٣٤٥')).toBe('0912 345');
    expect(toPersianDigits('0912')).toBe('۰۹۱۲');
  });
  it('drops diacritics and tatweel and treats ZWNJ as a word break', () => {
    expect(normalizePersian('مـی‌رَوَم')).toBe('می روم');
  });
  it('tokenizes mixed Persian and English text', () => {
    expect(tokenize('سفارش  Order ۱۲')).toEqual(['سفارش', 'order', '12']);
  });
});
