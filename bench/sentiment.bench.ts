// Sentiment throughput on the 6,300 SnappFood reviews, against a baseline measured in the same
// run: normalising and tokenising the same texts. The ratio is what the model costs on top of
// merely reading the text, which stays comparable across machines.
//   npx tsx bench/sentiment.bench.ts
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tokenize } from '../packages/server/src/core/persian-text.ts';
import {
  hasSnappfoodDataset,
  readSnappfoodReviews,
} from '../packages/server/src/insights/sentiment/snappfood-dataset.ts';
import { trainSentimentModel } from '../packages/server/src/insights/sentiment/sentiment-model.ts';
import {
  classifySentiment,
  DEFAULT_MODEL_FILE,
  loadDefaultSentimentModel,
  parseModel,
} from '../packages/server/src/insights/sentiment/sentiment.service.ts';

const ROUNDS = 7;
const TRAINING_ROUNDS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Seconds of one run of `work`, or the median of `rounds` runs after an untimed warm-up. */
function time(rounds: number, work: () => unknown): number {
  if (rounds === 0) {
    const started = performance.now();
    work();
    return (performance.now() - started) / 1000;
  }
  work();
  return median(Array.from({ length: rounds }, () => time(0, work)));
}

function main(): void {
  if (!hasSnappfoodDataset()) {
    console.log(
      'snappfood_train.tsv not found: set PISHKHAN_DATASETS or place ../shared/datasets beside the repo',
    );
    return;
  }
  const examples = readSnappfoodReviews();
  const texts = examples.map((example) => example.text);

  const loadStarted = performance.now();
  const model = loadDefaultSentimentModel();
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const parseSeconds = time(3, () => parseModel(readFileSync(DEFAULT_MODEL_FILE, 'utf8')));

  let sink = 0;
  const readText = () => {
    for (const text of texts) sink += tokenize(text).length;
  };
  const classifyAll = () => {
    sink += classifySentiment({ model, texts }).length;
  };
  // Baseline and model alternate round by round, so load from other processes hits both alike
  // and the per-round ratio stays meaningful on a busy machine.
  readText();
  classifyAll();
  const baselineRounds: number[] = [];
  const classifyRounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    baselineRounds.push(time(0, readText));
    classifyRounds.push(time(0, classifyAll));
  }
  const baseline = median(baselineRounds);
  const classify = median(classifyRounds);
  const ratio = median(baselineRounds.map((seconds, round) => seconds / (classifyRounds[round] ?? NaN)));
  const training = time(TRAINING_ROUNDS, () => trainSentimentModel({ examples }));

  const perSecond = (seconds: number) => Math.round(texts.length / seconds).toLocaleString('en-US');
  console.log(`texts: ${texts.length}, rounds: ${ROUNDS} (median reported)`);
  console.log(`baseline  normalise + tokenise     ${perSecond(baseline).padStart(9)} texts/s`);
  console.log(`classify  default model            ${perSecond(classify).padStart(9)} texts/s`);
  console.log(
    `ratio     classify / baseline      ${ratio.toFixed(3)} (median of per-round ratios; 1.0 = free)`,
  );
  console.log(
    `load      default model (first)    ${(loadSeconds * 1000).toFixed(0)} ms; parse again ${(parseSeconds * 1000).toFixed(0)} ms`,
  );
  console.log(
    `train     ${examples.length} reviews             ${training.toFixed(2)} s (median of ${TRAINING_ROUNDS})`,
  );
  if (sink < 0) console.log(sink); // keeps the measured work from being optimised away
}

main();
