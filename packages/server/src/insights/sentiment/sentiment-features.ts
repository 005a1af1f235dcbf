// Turns a text into the sparse features the linear models read: word unigrams and bigrams plus
// character n-grams. Character n-grams let the model share evidence between inflections and
// spellings of one word (خوشمزه / خوشمزست / خوشمزه‌ای), which matters on short, informally
// written reviews where most words are seen only a handful of times.
import { tokenize } from '../../core/persian-text.ts';

export type FeatureSpec = {
  /** Word n-gram lengths from 1 to this (0 = none, 1 = unigrams, 2 = also bigrams). */
  wordNgramMax: number;
  /** Character n-gram lengths; charNgramMax 0 turns them off. */
  charNgramMin: number;
  charNgramMax: number;
  /** 'word': n-grams inside each space-padded word; 'text': across the whole token sequence. */
  charNgramScope: 'word' | 'text';
};

/**
 * A feature key is its kind's letter followed by the gram, so the word "خوب" and the character
 * 3-gram "خوب" stay different evidence: w = word n-gram, c = characters inside a word,
 * t = characters across the text.
 */
export type FeatureKind = 'w' | 'c' | 't';

/** Negated copulas and auxiliaries. In Persian the negation follows what it negates: "خوب نبود". */
const NEGATED_COPULAS = new Set(
  (
    'نبود نبودم نبودیم نبودن نبودند نبوده نبودش نیست نیستم نیستیم نیستن نیستند نیس نیستش ' +
    'نشد نشده نمیشه نمیشد نداشت نداره نداشتن نداشتند'
  ).split(' '),
);
/** Words that may stand between the negated word and its copula ("خوب هم نبود", "خوشمزه اصلا نبود"). */
const NEGATION_GAP = new Set(
  'هم خیلی زیاد زیادی چندان اصلا واقعا انچنان آنچنان چنان همچین اونقدر اونقدرا آنقدر'.split(' '),
);
const NEGATED = '!';
const ELONGATION = /(\p{L})\1{2,}/gu;
// Loose on purpose (any character, digits too): a false hit only costs the exact replace.
const STRETCHED = /(.)\1\1/u;

/**
 * Tokens as the models see them: `tokenize` (which normalises ي/ی, ك/ک, ZWNJ, diacritics and
 * digits), then letters stretched for emphasis collapsed (خیلیییی → خیلی), then the word a
 * negated copula negates marked with "!" — "خوب نبود" must not count as evidence for "خوب".
 */
export function sentimentTokens(text: string): string[] {
  let tokens = tokenize(text);
  // One scan of the text spares a per-token regex replace on the many texts without stretching.
  if (STRETCHED.test(tokens.join(' '))) tokens = tokens.map((token) => token.replace(ELONGATION, '$1'));
  const marked = tokens.slice();
  for (let i = 1; i < tokens.length; i++) {
    if (!NEGATED_COPULAS.has(tokens[i] ?? '')) continue;
    let j = i - 1;
    while (j > 0 && NEGATION_GAP.has(tokens[j] ?? '')) j--;
    const negated = tokens[j] ?? '';
    if (!NEGATED_COPULAS.has(negated)) marked[j] = NEGATED + negated;
  }
  return marked;
}

/** Which n-grams to generate for a set of specs: the union of what each spec reads. */
export type GramPlan = {
  wordNgramMax: number;
  wordChars: { min: number; max: number } | null;
  textChars: { min: number; max: number } | null;
};

/**
 * One plan for several specs. A gram's key does not depend on which spec asked for it, so a
 * member simply never finds the keys outside its own spec in its vocabulary.
 */
export function gramPlan(specs: readonly FeatureSpec[]): GramPlan {
  const union = (scope: FeatureSpec['charNgramScope']) => {
    const chosen = specs.filter((spec) => spec.charNgramScope === scope && spec.charNgramMax > 0);
    if (chosen.length === 0) return null;
    return {
      min: Math.min(...chosen.map((spec) => spec.charNgramMin)),
      max: Math.max(...chosen.map((spec) => spec.charNgramMax)),
    };
  };
  return {
    wordNgramMax: Math.max(0, ...specs.map((spec) => spec.wordNgramMax)),
    wordChars: union('word'),
    textChars: union('text'),
  };
}

/**
 * Calls `visit` with every feature of a token sequence (from `sentimentTokens`), repeats
 * included. Kind and gram come separately so the scorer can look grams up without building
 * the prefixed key (string concatenation was a third of the scoring time).
 */
export function forEachFeature(input: {
  tokens: readonly string[];
  plan: GramPlan;
  visit: (kind: FeatureKind, gram: string) => void;
}): void {
  const { tokens, plan, visit } = input;
  const charGrams = (kind: FeatureKind, padded: string, range: { min: number; max: number }) => {
    for (let n = Math.max(1, range.min); n <= range.max; n++) {
      for (let start = 0; start + n <= padded.length; start++) visit(kind, padded.slice(start, start + n));
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    let gram = '';
    for (let n = 1; n <= plan.wordNgramMax && i + n <= tokens.length; n++) {
      gram += (n > 1 ? ' ' : '') + tokens[i + n - 1];
      visit('w', gram);
    }
    if (plan.wordChars) charGrams('c', ` ${tokens[i]} `, plan.wordChars);
  }
  if (plan.textChars && tokens.length > 0) charGrams('t', ` ${tokens.join(' ')} `, plan.textChars);
}

/** Feature → count for one token sequence under one spec (the training side). */
export function countFeatures(input: { tokens: readonly string[]; spec: FeatureSpec }): Map<string, number> {
  const counts = new Map<string, number>();
  forEachFeature({
    tokens: input.tokens,
    plan: gramPlan([input.spec]),
    visit: (kind, gram) => {
      const key = kind + gram;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
  });
  return counts;
}

/** A stable key per spec, so members that read the same features count them once per text. */
export function featureSpecKey(spec: FeatureSpec): string {
  return `${spec.wordNgramMax}:${spec.charNgramMin}-${spec.charNgramMax}:${spec.charNgramScope}`;
}
