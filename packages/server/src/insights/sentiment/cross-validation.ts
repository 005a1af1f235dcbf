// k-fold cross-validation of the whole training path, so the figure it gives is the accuracy of
// exactly what `trainSentimentModel` ships, on reviews the model did not see.
import {
  positiveProbabilities,
  trainSentimentModel,
  type LabelledText,
  type TrainSentimentOptions,
} from './sentiment-model.ts';

/** The seed of the folds behind every figure in docs/sentiment.md. */
export const CROSS_VALIDATION_SEED = 1;

export type CrossValidationResult = {
  folds: number;
  /** Accuracy of each fold (probability ≥ 0.5 counts as positive; no neutral band). */
  accuracies: number[];
  mean: number;
  /** Population standard deviation of the fold accuracies. */
  standardDeviation: number;
  /** Out-of-fold probability that each example is positive, in the order of `examples`. */
  probabilities: Float64Array;
};

/** Stratified k-fold split, shuffled with a seeded generator so every run uses the same folds. */
export function crossValidate(
  input: { examples: readonly LabelledText[]; folds: number; seed: number } & TrainSentimentOptions,
): CrossValidationResult {
  const { examples, folds, seed, ...options } = input;
  const foldOf = stratifiedFolds({ examples, folds, seed });
  const accuracies: number[] = [];
  const probabilities = new Float64Array(examples.length);
  for (let fold = 0; fold < folds; fold++) {
    const train = examples.filter((_, i) => foldOf[i] !== fold);
    const testIndex = examples.flatMap((_, i) => (foldOf[i] === fold ? [i] : []));
    const model = trainSentimentModel({ ...options, examples: train });
    if (model.isErr()) throw new Error(`fold ${fold}: ${model.error.type}`);
    const p = positiveProbabilities({
      model: model.value,
      texts: testIndex.map((i) => examples[i]?.text ?? ''),
    });
    let correct = 0;
    testIndex.forEach((exampleIndex, k) => {
      const probability = p[k] ?? Number.NaN;
      probabilities[exampleIndex] = probability;
      // A text with no words gets no prediction, which counts as wrong.
      if (
        (probability >= 0.5 ? 'positive' : 'negative') === examples[exampleIndex]?.label &&
        !Number.isNaN(probability)
      ) {
        correct++;
      }
    });
    accuracies.push(correct / testIndex.length);
  }
  const mean = accuracies.reduce((a, b) => a + b, 0) / folds;
  const standardDeviation = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / folds);
  return { folds, accuracies, mean, standardDeviation, probabilities };
}

/** The fold (0…folds−1) of each example; other models are scored on the same folds. */
export function stratifiedFolds(input: {
  examples: readonly LabelledText[];
  folds: number;
  seed: number;
}): Int32Array {
  const { examples, folds, seed } = input;
  const random = mulberry32(seed);
  const foldOf = new Int32Array(examples.length);
  for (const label of ['positive', 'negative'] as const) {
    const members = examples.flatMap((example, i) => (example.label === label ? [i] : []));
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j] ?? 0, members[i] ?? 0];
    }
    members.forEach((exampleIndex, position) => (foldOf[exampleIndex] = position % folds));
  }
  return foldOf;
}

/** Small seeded PRNG (mulberry32): the same seed gives the same folds on every machine. */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
