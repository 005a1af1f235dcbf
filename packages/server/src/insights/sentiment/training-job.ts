// The CPU-heavy part of retraining a workspace's model — k-fold cross-validation, then the model
// on all examples — as one pure function, so it runs in a worker thread (or, failing that, here).
import { crossValidate } from './cross-validation.ts';
import { serializeModel, trainSentimentModel, type LabelledText } from './sentiment.service.ts';

export type TrainingJob = { examples: LabelledText[]; folds: number; seed: number; source: string };

export type TrainingJobResult =
  | { ok: true; modelJson: string; foldAccuracies: number[]; mean: number; standardDeviation: number }
  | { ok: false; reason: string };

export function runTrainingJob(job: TrainingJob): TrainingJobResult {
  const model = trainSentimentModel({ examples: job.examples, source: job.source });
  if (model.isErr())
    return {
      ok: false,
      reason: `too few examples (${model.error.positives} positive, ${model.error.negatives} negative)`,
    };
  const validated = crossValidate({
    examples: job.examples,
    folds: job.folds,
    seed: job.seed,
    source: job.source,
  });
  return {
    ok: true,
    modelJson: serializeModel(model.value),
    foldAccuracies: validated.accuracies,
    mean: validated.mean,
    standardDeviation: validated.standardDeviation,
  };
}
