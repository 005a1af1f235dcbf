// Sentiment of customer texts, Persian first: what other domains call.
// Persian (and mixed) text goes to a trained model; mostly-Latin text goes to a small English
// lexicon unless the model was trained on Latin-script examples itself.
import { readFileSync } from 'node:fs';
import { englishLexiconScore, latinLetterShare } from './english-lexicon.ts';
import { LATIN_TEXT_SHARE, positiveProbabilities, type SentimentModel } from './sentiment-model.ts';
import { parseModel } from './sentiment.schema.ts';

export {
  trainSentimentModel,
  type LabelledText,
  type SentimentLabel,
  type SentimentModel,
  type SentimentTrainingError,
  type TrainSentimentOptions,
} from './sentiment-model.ts';
export { parseModel, serializeModel, type SentimentModelParseError } from './sentiment.schema.ts';

export type SentimentResult = {
  label: 'positive' | 'negative' | 'neutral';
  /**
   * From -1 (surely negative) to 1 (surely positive). For the model it is 2·P(positive) − 1;
   * for the English lexicon a normalised sum of word valences. 0 when there is nothing to judge.
   */
  score: number;
  /** What produced the score: the trained model, the English lexicon, or nothing (no words). */
  method: 'model' | 'lexicon' | 'none';
};

export const DEFAULT_MODEL_FILE = new URL('./persian-sentiment.model.json', import.meta.url);

let defaultModel: SentimentModel | undefined;

/**
 * The shipped Persian model (trained on SnappFood reviews), read from disk once per process.
 * It needs no network; a broken shipped file is a bug, so it throws.
 */
export function loadDefaultSentimentModel(): SentimentModel {
  if (defaultModel === undefined) {
    const parsed = parseModel(readFileSync(DEFAULT_MODEL_FILE, 'utf8'));
    if (parsed.isErr()) throw new Error(`${DEFAULT_MODEL_FILE.pathname}: ${parsed.error.message}`);
    defaultModel = parsed.value;
  }
  return defaultModel;
}

/** Classifies texts in one batch; results are in the order of `texts`. */
export function classifySentiment(input: {
  model: SentimentModel;
  texts: readonly string[];
  /** Overrides the model's band: a |score| below it is reported as neutral. */
  neutralBand?: number;
}): SentimentResult[] {
  const { model, texts } = input;
  const band = input.neutralBand ?? model.neutralBand;
  const results: SentimentResult[] = new Array<SentimentResult>(texts.length);
  const forModel: number[] = [];
  texts.forEach((text, i) => {
    if (!/\p{L}/u.test(text)) {
      // Empty, digits, punctuation or emoji only: no words to judge.
      results[i] = { label: 'neutral', score: 0, method: 'none' };
    } else if (model.latinText === 'lexicon' && latinLetterShare(text) >= LATIN_TEXT_SHARE) {
      results[i] = labelled({ score: englishLexiconScore(text) ?? 0, band, method: 'lexicon' });
    } else {
      forModel.push(i);
    }
  });
  const probabilities = positiveProbabilities({ model, texts: forModel.map((i) => texts[i] ?? '') });
  forModel.forEach((textIndex, k) => {
    const probability = probabilities[k] ?? Number.NaN;
    results[textIndex] = Number.isNaN(probability)
      ? { label: 'neutral', score: 0, method: 'none' }
      : labelled({ score: 2 * probability - 1, band, method: 'model' });
  });
  return results;
}

function labelled(input: {
  score: number;
  band: number;
  method: SentimentResult['method'];
}): SentimentResult {
  const { score, band, method } = input;
  const label = score === 0 || Math.abs(score) < band ? 'neutral' : score > 0 ? 'positive' : 'negative';
  return { label, score, method };
}
