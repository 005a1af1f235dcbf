// One member of the sentiment ensemble: a linear model over one feature family.
// Three weightings, chosen because each errs differently on these reviews and their average is
// more accurate than any of them alone (see docs/sentiment.md):
//   tfidf-lr  sublinear TF·IDF, L2-normalised, logistic regression
//   nb-lr     binary features scaled by their naive-Bayes log-count ratio, L2-normalised,
//             logistic regression (the "NBSVM" of Wang & Manning 2012, with a logistic loss)
//   mnb       multinomial naive Bayes on binarised counts, Laplace smoothing
import { countFeatures, type FeatureSpec } from './sentiment-features.ts';
import { fitLogisticRegression, type SparseRows } from './logistic-regression.ts';

export type MemberWeighting = 'tfidf-lr' | 'nb-lr' | 'mnb';

export type MemberSpec = {
  name: string;
  weighting: MemberWeighting;
  features: FeatureSpec;
  /** Inverse L2 regularisation strength of the logistic regression (unused by mnb). */
  c: number;
};

export type LinearMember = {
  name: string;
  weighting: MemberWeighting;
  features: FeatureSpec;
  bias: number;
  /** Feature → column of `scales` and `weights`. */
  vocabulary: Map<string, number>;
  /** IDF (tfidf-lr) or log-count ratio (nb-lr) per column; all 1 for mnb. */
  scales: Float64Array;
  weights: Float64Array;
};

/** Laplace smoothing of the naive-Bayes counts. */
const NB_ALPHA = 1;

/** The member's log-odds that the text is positive. */
export function memberMargin(member: LinearMember, counts: ReadonlyMap<string, number>): number {
  const { vocabulary, scales, weights, weighting } = member;
  let z = 0;
  let squaredNorm = 0;
  for (const [key, count] of counts) {
    const column = vocabulary.get(key);
    if (column === undefined) continue;
    const scale = scales[column] ?? 0;
    const value = weighting === 'tfidf-lr' ? (1 + Math.log(count)) * scale : scale;
    z += (weights[column] ?? 0) * value;
    squaredNorm += value * value;
  }
  // The logistic members were trained on unit-length rows; naive Bayes sums raw evidence.
  if (weighting !== 'mnb' && squaredNorm > 0) z /= Math.sqrt(squaredNorm);
  return member.bias + z;
}

/** Fits one member on feature counts (`counts[i]` belongs to `labels[i]`, 1 = positive). */
export function trainMember(input: {
  spec: MemberSpec;
  counts: readonly ReadonlyMap<string, number>[];
  labels: Uint8Array;
  /** Features seen in fewer training texts than this are dropped (keeps the model small). */
  minDocumentFrequency: number;
}): LinearMember {
  const { spec, counts, labels, minDocumentFrequency } = input;
  const documentFrequency = new Map<string, number>();
  for (const doc of counts)
    for (const key of doc.keys()) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
  // Sorted so the same examples give the same column order, whatever order the counts were built in.
  const kept = [...documentFrequency.keys()]
    .filter((key) => (documentFrequency.get(key) ?? 0) >= minDocumentFrequency)
    .sort();
  const vocabulary = new Map(kept.map((key, column) => [key, column]));
  const columns = kept.length;

  const positives = labels.reduce((sum, label) => sum + label, 0);
  const negatives = labels.length - positives;
  const scales = new Float64Array(columns);
  let logCountRatio: Float64Array | null = null;
  if (spec.weighting === 'tfidf-lr') {
    // Smoothed IDF as in scikit-learn, so figures compare with the usual TF-IDF baselines.
    kept.forEach((key, column) => {
      scales[column] = Math.log((1 + labels.length) / (1 + (documentFrequency.get(key) ?? 0))) + 1;
    });
  } else {
    logCountRatio = naiveBayesLogCountRatio({ counts, labels, vocabulary });
    scales.set(spec.weighting === 'nb-lr' ? logCountRatio : new Float64Array(columns).fill(1));
  }

  if (spec.weighting === 'mnb') {
    return {
      name: spec.name,
      weighting: spec.weighting,
      features: spec.features,
      bias: Math.log((positives + NB_ALPHA) / (negatives + NB_ALPHA)),
      vocabulary,
      scales,
      weights: logCountRatio ?? new Float64Array(columns),
    };
  }

  const rows = toRows({ counts, vocabulary, scales, weighting: spec.weighting });
  const fit = fitLogisticRegression({ rows, labels, options: { c: spec.c } });
  return {
    name: spec.name,
    weighting: spec.weighting,
    features: spec.features,
    bias: fit.bias,
    vocabulary,
    scales,
    weights: fit.weights,
  };
}

/** Feature counts of texts for one feature spec. */
export function countAll(input: { tokens: readonly string[][]; spec: FeatureSpec }): Map<string, number>[] {
  return input.tokens.map((tokens) => countFeatures({ tokens, spec: input.spec }));
}

/** log(P(feature | positive) / P(feature | negative)) from binary occurrence counts. */
function naiveBayesLogCountRatio(input: {
  counts: readonly ReadonlyMap<string, number>[];
  labels: Uint8Array;
  vocabulary: ReadonlyMap<string, number>;
}): Float64Array {
  const { counts, labels, vocabulary } = input;
  const columns = vocabulary.size;
  const positive = new Float64Array(columns).fill(NB_ALPHA);
  const negative = new Float64Array(columns).fill(NB_ALPHA);
  counts.forEach((doc, i) => {
    const target = labels[i] === 1 ? positive : negative;
    for (const key of doc.keys()) {
      const column = vocabulary.get(key);
      if (column !== undefined) target[column] = (target[column] ?? 0) + 1;
    }
  });
  const positiveTotal = positive.reduce((a, b) => a + b, 0);
  const negativeTotal = negative.reduce((a, b) => a + b, 0);
  const ratio = new Float64Array(columns);
  for (let j = 0; j < columns; j++) {
    ratio[j] = Math.log((positive[j] ?? 0) / positiveTotal) - Math.log((negative[j] ?? 0) / negativeTotal);
  }
  return ratio;
}

/** The training rows exactly as `memberMargin` will see texts later (same values, same normalisation). */
function toRows(input: {
  counts: readonly ReadonlyMap<string, number>[];
  vocabulary: ReadonlyMap<string, number>;
  scales: Float64Array;
  weighting: MemberWeighting;
}): SparseRows {
  const { counts, vocabulary, scales, weighting } = input;
  const offsets = new Int32Array(counts.length + 1);
  let total = 0;
  for (const doc of counts) for (const key of doc.keys()) if (vocabulary.has(key)) total++;
  const indices = new Int32Array(total);
  const values = new Float64Array(total);
  let p = 0;
  counts.forEach((doc, row) => {
    const start = p;
    let squaredNorm = 0;
    for (const [key, count] of doc) {
      const column = vocabulary.get(key);
      if (column === undefined) continue;
      const scale = scales[column] ?? 0;
      const value = weighting === 'tfidf-lr' ? (1 + Math.log(count)) * scale : scale;
      indices[p] = column;
      values[p] = value;
      squaredNorm += value * value;
      p++;
    }
    const norm = Math.sqrt(squaredNorm);
    if (norm > 0) for (let q = start; q < p; q++) values[q] = (values[q] ?? 0) / norm;
    offsets[row + 1] = p;
  });
  return { offsets, indices, values, columns: vocabulary.size };
}
