// Trains the shipped Persian model from the SnappFood reviews and writes it beside this file.
//   npx tsx packages/server/src/insights/sentiment/train-default-model.ts [--cv 10]
// Training has no randomness (full-batch L-BFGS from zero weights), so the same data gives a
// byte-identical file; --cv also prints the k-fold accuracy with fixed, seeded folds.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CROSS_VALIDATION_SEED, crossValidate } from './cross-validation.ts';
import { readSnappfoodReviews, SNAPPFOOD_FILE } from './snappfood-dataset.ts';
import { trainSentimentModel } from './sentiment-model.ts';
import { serializeModel } from './sentiment.schema.ts';
import { DEFAULT_MODEL_FILE } from './sentiment.service.ts';

function main(): void {
  const examples = readSnappfoodReviews();
  const cvFlag = process.argv.indexOf('--cv');
  if (cvFlag >= 0) {
    const folds = Number(process.argv[cvFlag + 1] ?? 10);
    const started = performance.now();
    const cv = crossValidate({ examples, folds, seed: CROSS_VALIDATION_SEED });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `${folds}-fold cross-validation (seed ${CROSS_VALIDATION_SEED}): accuracy ${cv.mean.toFixed(4)} ± ${cv.standardDeviation.toFixed(4)}` +
        ` (folds ${cv.accuracies.map((a) => a.toFixed(3)).join(' ')}; min ${Math.min(...cv.accuracies).toFixed(3)}, max ${Math.max(...cv.accuracies).toFixed(3)}) in ${seconds} s`,
    );
  }
  const started = performance.now();
  const model = trainSentimentModel({ examples, source: `${SNAPPFOOD_FILE} (${examples.length} reviews)` });
  if (model.isErr()) throw new Error(`training failed: ${model.error.type}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const json = serializeModel(model.value);
  writeFileSync(DEFAULT_MODEL_FILE, json);
  const features = model.value.members.map((m) => `${m.name} ${m.vocabulary.size}`).join(', ');
  console.log(`trained on ${examples.length} reviews in ${seconds} s; features: ${features}`);
  console.log(
    `wrote ${fileURLToPath(DEFAULT_MODEL_FILE)} (${(Buffer.byteLength(json) / 1e6).toFixed(2)} MB)`,
  );
}

main();
