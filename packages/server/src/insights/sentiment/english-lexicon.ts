// A compact hand-written English sentiment lexicon with negation, intensifiers and "but".
// There is no labelled English data to train on, and customer messages in English are short
// and use a small vocabulary of praise and complaint, so a VADER-style rule scorer gives sensible
// answers at no cost. A workspace with its own English examples can train a model instead.

/** Valence from -3 (very negative) to +3 (very positive), grouped so the list stays readable. */
const WORDS_BY_VALENCE: [number, string][] = [
  [
    3,
    'great excellent amazing awesome perfect wonderful fantastic brilliant superb outstanding best love loved delicious',
  ],
  [2.5, 'loving lovely enjoyed tasty yummy grateful impressed'],
  [2, 'good nice happy glad pleased satisfied friendly helpful polite professional recommend recommended'],
  [2, 'thank thanks thx appreciate appreciated reliable resolved solved'],
  [1.5, 'fresh fast quick quickly prompt promptly kind clean easy smooth smoothly worth fixed wow liked'],
  [1, 'fine warm well'],
  [0.5, 'ok okay'],
  [-1, 'mediocre salty issue issues refund cancel waiting'],
  [-1.5, 'slow cold raw overcooked bland lost expensive problem problems error bug stuck confusing'],
  [-1.5, 'complaint complain cancelled canceled waited'],
  [-2, 'poor unhappy unsatisfied annoyed annoying upset impolite unhelpful late delay delayed stale soggy'],
  [-2, 'burnt burned undercooked dirty broken damaged missing wrong overpriced crash crashes failed fails'],
  [-2, 'fail ignored'],
  [-2.5, 'bad disappointed disappointing disappointment dissatisfied angry frustrated frustrating rude'],
  [-2.5, 'unprofessional useless ridiculous sucks crap stolen waste wasted'],
  [-3, 'terrible awful horrible worst disgusting hate hated worthless unacceptable pathetic scam fraud'],
  // Finglish (Persian in Latin letters), common enough in Iranian messages to be worth a few words.
  [3, 'aali aaali awli'],
  [2.5, 'khoshmaze khoshmazeh'],
  [2, 'khoob khub afarin merci mersi mamnoon mamnun'],
  [-1.5, 'sard dir'],
  [-2, 'kharab'],
  [-2.5, 'badmaze bademaze'],
  [-3, 'eftezah aftezah'],
];
const VALENCE = new Map(
  WORDS_BY_VALENCE.flatMap(([valence, words]) => words.split(' ').map((word) => [word, valence] as const)),
);

/** Things a customer expects to happen: neutral when they do, a complaint when they do not. */
const EXPECTED_EVENTS = new Set([
  'arrived',
  'arrive',
  'came',
  'come',
  'delivered',
  'received',
  'showed',
  'answered',
  'responded',
  'replied',
  'called',
  'work',
  'works',
  'worked',
  'working',
  'refunded',
  'helped',
  'fixed',
  'resolved',
]);
const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'nobody',
  'none',
  'without',
  'hardly',
  'barely',
  'cannot',
  "can't",
  'cant',
  "don't",
  'dont',
  "doesn't",
  'doesnt',
  "didn't",
  'didnt',
  "isn't",
  'isnt',
  "wasn't",
  'wasnt',
  "aren't",
  'arent',
  "weren't",
  'werent',
  "won't",
  'wont',
  "wouldn't",
  'wouldnt',
  "haven't",
  'havent',
  "hasn't",
  'hasnt',
  "hadn't",
  'hadnt',
  "shouldn't",
  "couldn't",
  'couldnt',
  'neither',
  'nor',
  'nope',
]);
const INTENSIFIERS: Record<string, number> = {
  very: 1.3,
  really: 1.3,
  so: 1.3,
  extremely: 1.5,
  super: 1.3,
  absolutely: 1.5,
  totally: 1.4,
  incredibly: 1.5,
  truly: 1.3,
  too: 1.2,
  most: 1.3,
  quite: 1.1,
  pretty: 1.1,
  slightly: 0.6,
  somewhat: 0.7,
  bit: 0.7,
  little: 0.8,
};
/** "vali" and "ama" are the Finglish "but". */
const CONTRAST = new Set(['but', 'however', 'vali', 'ama']);
/** Words within this distance after a negator are negated (VADER looks three words back). */
const NEGATION_REACH = 3;
/** A negated opinion is weaker than its opposite ("not bad" is not "good"), as in VADER. */
const NEGATION_FACTOR = -0.74;
const MISSED_EXPECTATION = -2;
/** VADER's normalisation constant: a sum of ±2 maps to about ±0.46, ±5 to about ±0.79. */
const NORMALISATION = 15;

/**
 * Sentiment of an English (or Finglish) text in [-1, 1], or null when no word in it carries an
 * opinion. Clauses are split at punctuation so a negation never reaches across them.
 */
export function englishLexiconScore(text: string): number | null {
  const clauses = text
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .split(/[.,;:!?()\n]+/);
  let total = 0;
  let opinions = 0;
  let contrastSeen = false;
  for (const clause of clauses) {
    const words = clause.match(/[a-z]+(?:'[a-z]+)?/g) ?? [];
    let sinceNegator = Infinity;
    let boost = 1;
    for (const word of words) {
      sinceNegator++;
      if (CONTRAST.has(word)) {
        // What follows "but" is what the writer means: weaken what came before, strengthen what follows.
        total *= 0.5;
        contrastSeen = true;
        continue;
      }
      if (NEGATORS.has(word)) {
        sinceNegator = 0;
        continue;
      }
      const intensity = INTENSIFIERS[word];
      if (intensity !== undefined) {
        boost *= intensity;
        continue;
      }
      const negated = sinceNegator <= NEGATION_REACH;
      let valence = VALENCE.get(word) ?? 0;
      if (EXPECTED_EVENTS.has(word) && negated) valence = MISSED_EXPECTATION;
      else if (negated) valence *= NEGATION_FACTOR;
      if (valence === 0) continue;
      total += valence * boost * (contrastSeen ? 1.5 : 1);
      opinions++;
      boost = 1;
    }
  }
  if (opinions === 0) return null;
  return total / Math.sqrt(total * total + NORMALISATION);
}

/** Share of letters that are Latin, to decide whether a text is English rather than Persian. */
export function latinLetterShare(text: string): number {
  // Most texts here are Persian: answer them without collecting every letter.
  if (!/\p{Script=Latin}/u.test(text)) return 0;
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length === 0) return 0;
  const latin = text.match(/\p{Script=Latin}/gu) ?? [];
  return latin.length / letters.length;
}
