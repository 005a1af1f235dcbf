// The sentiment model: a small ensemble of linear members whose probabilities are averaged.
import { err, ok, type Result } from 'neverthrow';
import { featureSpecKey, sentimentTokens, type FeatureSpec } from './sentiment-features.ts';
import { countAll, trainMember, type LinearMember, type MemberSpec } from './linear-member.ts';
import { compileScorer, scoreTexts } from './sentiment-scorer.ts';
import { latinLetterShare } from './english-lexicon.ts';

export type SentimentLabel = 'positive' | 'negative';
export type LabelledText = { text: string; label: SentimentLabel };

export type SentimentModel = {
  members: LinearMember[];
  /** Results with |score| below this are reported as neutral. */
  neutralBand: number;
  /**
   * How mostly-Latin texts are scored: 'lexicon' when the model never saw them in training
   * (the default Persian model), 'model' when it was trained on enough of them to know better.
   */
  latinText: 'lexicon' | 'model';
  trainedOn: { examples: number; source: string };
};

export type TrainSentimentOptions = {
  members?: MemberSpec[];
  neutralBand?: number;
  /** Drop features seen in fewer texts than this; by default 3 from 1,000 examples up, else 1. */
  minDocumentFrequency?: number;
  /** A note kept in the model saying what it was trained on. */
  source?: string;
};

export type SentimentTrainingError = {
  type: 'too-few-examples';
  minimumPerLabel: number;
  positives: number;
  negatives: number;
};

const WORD_UNI_BIGRAMS: FeatureSpec = {
  wordNgramMax: 2,
  charNgramMin: 0,
  charNgramMax: 0,
  charNgramScope: 'word',
};

/**
 * Chosen by cross-validation on the SnappFood reviews (docs/sentiment.md): three members that
 * weight the text differently (TF·IDF, naive-Bayes ratios, pure naive Bayes), one of which also
 * reads characters inside words. A fourth member on characters across words added 0.1 points
 * of accuracy for twice the training time and a model file over 3 MB, so it is left out.
 */
export const DEFAULT_MEMBERS: MemberSpec[] = [
  { name: 'word-tfidf-lr', weighting: 'tfidf-lr', features: WORD_UNI_BIGRAMS, c: 1 },
  {
    name: 'word-char-nb-lr',
    weighting: 'nb-lr',
    features: { wordNgramMax: 2, charNgramMin: 2, charNgramMax: 5, charNgramScope: 'word' },
    c: 1,
  },
  { name: 'word-mnb', weighting: 'mnb', features: WORD_UNI_BIGRAMS, c: 0 },
];

/** Score band around 0 (probability 0.4–0.6) that is reported as neutral: about 6% of reviews. */
export const DEFAULT_NEUTRAL_BAND = 0.2;
const MIN_EXAMPLES_PER_LABEL = 2;
/** A text counts as Latin-script when at least this share of its letters is Latin. */
export const LATIN_TEXT_SHARE = 0.8;
/** Above this share of Latin-script training texts, the trained model also scores Latin texts. */
const LATIN_TRAINING_SHARE = 0.2;

/** Trains a model on labelled texts. Deterministic: the same examples and options give the same model. */
export function trainSentimentModel(
  input: { examples: readonly LabelledText[] } & TrainSentimentOptions,
): Result<SentimentModel, SentimentTrainingError> {
  const { examples } = input;
  const tokens = examples.map((example) => sentimentTokens(example.text));
  const usable = examples.filter((_, i) => (tokens[i]?.length ?? 0) > 0);
  const positives = usable.filter((example) => example.label === 'positive').length;
  const negatives = usable.length - positives;
  if (positives < MIN_EXAMPLES_PER_LABEL || negatives < MIN_EXAMPLES_PER_LABEL) {
    return err({ type: 'too-few-examples', minimumPerLabel: MIN_EXAMPLES_PER_LABEL, positives, negatives });
  }
  const usableTokens = tokens.filter((t) => t.length > 0);
  const labels = Uint8Array.from(usable, (example) => (example.label === 'positive' ? 1 : 0));
  const minDocumentFrequency = input.minDocumentFrequency ?? (usable.length >= 1000 ? 3 : 1);

  const countsBySpec = new Map<string, Map<string, number>[]>();
  const members = (input.members ?? DEFAULT_MEMBERS).map((spec) => {
    const key = featureSpecKey(spec.features);
    let counts = countsBySpec.get(key);
    if (counts === undefined) {
      counts = countAll({ tokens: usableTokens, spec: spec.features });
      countsBySpec.set(key, counts);
    }
    return trainMember({ spec, counts, labels, minDocumentFrequency });
  });

  const latinExamples = usable.filter((example) => latinLetterShare(example.text) >= LATIN_TEXT_SHARE).length;
  return ok({
    members,
    neutralBand: input.neutralBand ?? DEFAULT_NEUTRAL_BAND,
    latinText: latinExamples / usable.length >= LATIN_TRAINING_SHARE ? 'model' : 'lexicon',
    trainedOn: { examples: usable.length, source: input.source ?? 'custom examples' },
  });
}

/**
 * The model's probability that each text is positive (the ensemble average), or NaN for a text
 * with no words. This is the raw model, without the English lexicon or the neutral band.
 */
export function positiveProbabilities(input: {
  model: SentimentModel;
  texts: readonly string[];
}): Float64Array {
  return scoreTexts({ scorer: compileScorer(input.model.members), texts: input.texts });
}
