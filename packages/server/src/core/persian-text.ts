// Persian text normalisation used wherever text is searched, matched or compared.
// Arabic-script variants of the same letter (ي/ی, ك/ک), Persian and Arabic-Indic digits,
// diacritics, tatweel and stray zero-width characters all make the same word look different.

const ARABIC_TO_PERSIAN_LETTERS: Record<string, string> = {
  ي: 'ی', // Arabic yeh
  ى: 'ی', // alef maksura
  ئ: 'ی',
  ك: 'ک', // Arabic kaf
  ة: 'ه', // teh marbuta
  ۀ: 'ه',
  ؤ: 'و',
  أ: 'ا',
  إ: 'ا',
  ٱ: 'ا',
};

const DIACRITICS = /[\u064B-\u065F\u0670\u06D6-\u06ED]/g;
const TATWEEL = /\u0640/g;
const LETTER_VARIANTS = /[يىئكةۀؤأإٱ]/g;
const EASTERN_DIGITS = /[\u06F0-\u06F9\u0660-\u0669]/g;
// ZWNJ joins parts of one word (می‌روم); for matching, a space and a ZWNJ are the same break.
const ZERO_WIDTH = /\u200C|\u200B|\u200D|\u200E|\u200F|\uFEFF/g;

/** Persian (۰-۹) and Arabic-Indic (٠-٩) digits to ASCII 0-9. */
export function toLatinDigits(text: string): string {
  return text.replace(EASTERN_DIGITS, (d) => String(d.charCodeAt(0) & 0xf));
}

/** ASCII digits to Persian digits, for display. */
export function toPersianDigits(text: string): string {
  return text.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
}

/**
 * Normalises text for search and matching: unified letters, no diacritics or tatweel,
 * Latin digits, ZWNJ as a space, lower case, collapsed whitespace.
 */
export function normalizePersian(text: string): string {
  return toLatinDigits(text)
    .replace(DIACRITICS, '')
    .replace(TATWEEL, '')
    .replace(LETTER_VARIANTS, (c) => ARABIC_TO_PERSIAN_LETTERS[c] ?? c)
    .replace(ZERO_WIDTH, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits normalised text into word tokens (letters and digits of any script). */
export function tokenize(text: string): string[] {
  return normalizePersian(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}
