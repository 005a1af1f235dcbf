// The terms a text is searched by: Persian normalisation (core/persian-text), stop words dropped,
// then a light stemmer for Persian and English suffixes. Articles and questions go through the
// same function, so a conflation the stemmer makes (گوشی → گوش) is made on both sides alike.
import { normalizePersian, tokenize } from '../core/persian-text.ts';

export type Language = 'fa' | 'en';

// Function words that carry no topic, and the question phrases of customers' messages (colloquial
// Persian included: چیه، چنده، میشه). Particles a ZWNJ split off a word (می، ها، های، ی) are here
// too: `کتاب‌ها` normalises to `کتاب ها`, and `ها` alone says nothing.
const PERSIAN_STOP_WORDS = `
و در به از که این آن را با است برای یک تا هم ها های هایی ی ای می نمی شود شد شده کرد کرده کنم کنی کنیم
کنید کند کنند کردم کردن کردید چه چی چیه چطور چطوری چگونه آیا ایا من ما شما او اون این ایشان یا اگر
هست هستم هستید بود دارد دارم داریم دارید داره باید بر پس اما ولی نیز خود خودم خیلی چند چرا کجا کی کدام
چقدر وقتی تو رو هر همه بین روی زیر بعد قبل مثل بدون دیگر دیگه الان هنوز فقط لطفا لطفاً سلام ممنون
مرسی توان میشه میشود میتوانم میتونم بکنم بکنید کنه بشه شده ام ات اش مان تان شان
خواهم خوام میخوام میخواهم میخواستم خواستم باشم باشد باشه بشم نمیشه میشن میده میدید نمیاد نمیده
چیه چنده چقدره کجاست چطوره کیه
`;

const ENGLISH_STOP_WORDS = `
a an the and or but if of to in on at by for with from into about as is are was were be been being
am do does did doing have has had having i me my we our you your he she it its they them their this
that these those there here what which who whom whose when where why how can could would should will
shall may might must not no yes so than too very just also any some all each please hi hello thanks
thank get got let us long much many
`;

const STOP_WORDS = new Set(
  `${PERSIAN_STOP_WORDS} ${ENGLISH_STOP_WORDS}`.split(/\s+/).filter((w) => w.length > 0),
);

// Longest first. Each suffix may come off only while the stem keeps `minStem` letters, and the
// stemmer repeats, so مشتریان → مشتری → مشتر, the same stem as مشتری.
const PERSIAN_SUFFIXES: readonly { suffix: string; minStem: number }[] = [
  { suffix: 'هایی', minStem: 2 },
  { suffix: 'ترین', minStem: 2 },
  { suffix: 'های', minStem: 2 },
  { suffix: 'ها', minStem: 2 },
  { suffix: 'تر', minStem: 3 },
  { suffix: 'ات', minStem: 3 },
  { suffix: 'ان', minStem: 3 },
  // "my …" (سفارشم، حسابمان): questions say it, articles do not
  { suffix: 'مان', minStem: 3 },
  { suffix: 'مون', minStem: 3 },
  { suffix: 'مو', minStem: 3 }, // colloquial سفارشمو = سفارشم را
  { suffix: 'م', minStem: 3 },
  { suffix: 'ی', minStem: 3 },
];

const ARABIC_SCRIPT = /[\u0600-\u06FF]/;
const LATIN = /[a-z]/;

/** Removes common Persian plural, comparative, adjectival and "my" suffixes (light stemming). */
export function stemPersian(word: string): string {
  let stem = word;
  for (let changed = true; changed;) {
    changed = false;
    for (const { suffix, minStem } of PERSIAN_SUFFIXES) {
      if (stem.endsWith(suffix) && stem.length - suffix.length >= minStem) {
        stem = stem.slice(0, -suffix.length);
        changed = true;
        break;
      }
    }
  }
  return stem;
}

/**
 * Plural -s/-es/-ies, -ery and -ing/-ed (with the doubled consonant undone): refunds, refunded →
 * refund; delivery, delivered → deliver.
 */
export function stemEnglish(word: string): string {
  let stem = word;
  if (stem.length > 4 && stem.endsWith('ies')) stem = `${stem.slice(0, -3)}y`;
  else if (stem.length > 4 && /(ss|x|ch|sh)es$/.test(stem)) stem = stem.slice(0, -2);
  else if (stem.length > 3 && stem.endsWith('s') && !/(ss|us|is)$/.test(stem)) stem = stem.slice(0, -1);
  if (stem.length > 5 && stem.endsWith('ery')) return stem.slice(0, -1); // delivery → deliver
  if (stem.length > 5 && stem.endsWith('ing')) stem = stem.slice(0, -3);
  else if (stem.length > 4 && stem.endsWith('ed')) stem = stem.slice(0, -2);
  else return stem;
  // shipp → ship, but not fill → fil
  if (/([bdgmnprt])\1$/.test(stem)) stem = stem.slice(0, -1);
  if (stem.endsWith('i')) stem = `${stem.slice(0, -1)}y`; // tried → try
  return stem;
}

function stem(word: string): string {
  if (ARABIC_SCRIPT.test(word)) return stemPersian(word);
  if (LATIN.test(word)) return stemEnglish(word);
  return word;
}

/** The search terms of a text, in order, repeats kept (term frequency counts them). */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    if (STOP_WORDS.has(token)) continue;
    const stemmed = stem(token);
    if (stemmed.length < 2 && !/^\d$/.test(stemmed)) continue;
    terms.push(stemmed);
  }
  return terms;
}

/** Distinct terms in first-seen order. */
export function distinctTerms(text: string): string[] {
  return [...new Set(searchTerms(text))];
}

/** 'fa' when Arabic-script letters outnumber Latin ones, else 'en' (the question's language). */
export function detectLanguage(text: string): Language {
  const normalised = normalizePersian(text);
  let persian = 0;
  let latin = 0;
  for (const char of normalised) {
    if (ARABIC_SCRIPT.test(char)) persian += 1;
    else if (LATIN.test(char)) latin += 1;
  }
  return persian >= latin && persian > 0 ? 'fa' : 'en';
}

// How much a term in each part of an article counts: a word of the title says more about what
// the article answers than one in the body (a light BM25F).
export const FIELD_WEIGHTS = { title: 3, tags: 2, body: 1 } as const;

export type ArticleTerms = {
  /** term → weighted frequency */
  frequencies: Map<string, number>;
  /** Weighted length, BM25's document length. */
  length: number;
  /** The normalised, stemmed text kept in the search_text column. */
  text: string;
};

export function articleTerms(article: {
  title: string;
  body: string;
  tags: readonly string[];
}): ArticleTerms {
  const frequencies = new Map<string, number>();
  let length = 0;
  const parts = [
    { terms: searchTerms(article.title), weight: FIELD_WEIGHTS.title },
    { terms: article.tags.flatMap((tag) => searchTerms(tag)), weight: FIELD_WEIGHTS.tags },
    { terms: searchTerms(stripMarkdown(article.body)), weight: FIELD_WEIGHTS.body },
  ];
  for (const { terms, weight } of parts) {
    for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + weight);
    length += terms.length * weight;
  }
  return { frequencies, length, text: parts.map((p) => p.terms.join(' ')).join(' | ') };
}

/** Markdown syntax out, words in: links keep their text, code fences and images go. */
export function stripMarkdown(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
    .replace(/[*_`~|]/g, ' ');
}
