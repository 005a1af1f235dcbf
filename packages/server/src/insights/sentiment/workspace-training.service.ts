// Retraining a workspace's sentiment model on its own labelled messages: gather the examples
// (given, and/or from the desk's labels and surveys), train off the main thread, measure the new
// model and the default one on the same k folds, and make the new model the workspace's.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database } from '../../db/database.ts';
import { CROSS_VALIDATION_SEED, stratifiedFolds } from './cross-validation.ts';
import { labelledExamplesFromDesk } from './desk-labels.ts';
import { classifySentiment, loadDefaultSentimentModel, type LabelledText } from './sentiment.service.ts';
import { trainOffThread } from './train-off-thread.ts';
import { saveWorkspaceModel, type SentimentEvaluation } from './workspace-model.service.ts';

/**
 * Fewer than this many examples of either label make a model no one should trust, and leave
 * k-fold validation with folds of one or two examples per label.
 */
export const MIN_EXAMPLES_PER_LABEL = 10;
export const TRAINING_FOLDS = 5;

export type TrainingOutcome = {
  active: boolean;
  model: 'workspace' | 'default';
  modelId: string | null;
  trainedAt: Date | null;
  evaluation: SentimentEvaluation;
};

const hasWords = (text: string) => /\p{L}/u.test(text);

export async function trainWorkspaceModel(
  deps: { db: Database; logger?: Logger },
  input: {
    workspaceId: string;
    examples?: readonly LabelledText[];
    fromConversations: boolean;
    /** Keep the current model unless the new one is more accurate than the default. */
    onlyIfBetter: boolean;
  },
): Promise<Result<TrainingOutcome, AppError>> {
  const { workspaceId } = input;
  const given = (input.examples ?? []).filter((e) => hasWords(e.text));
  const desk = input.fromConversations
    ? await labelledExamplesFromDesk(deps.db, { workspaceId })
    : { conversationLabels: [], surveyComments: [] };
  const conversationLabels = desk.conversationLabels.filter((e) => hasWords(e.text));
  const surveyComments = desk.surveyComments.filter((e) => hasWords(e.text));
  const examples = [...given, ...conversationLabels, ...surveyComments];
  const positives = examples.filter((e) => e.label === 'positive').length;
  const negatives = examples.length - positives;
  if (positives < MIN_EXAMPLES_PER_LABEL || negatives < MIN_EXAMPLES_PER_LABEL)
    return err(
      appError('PSK_SENTIMENT_FEW_EXAMPLES', {
        field: input.examples ? 'examples' : 'fromConversations',
        message: `Training needs at least ${MIN_EXAMPLES_PER_LABEL} examples with words of each label; got ${positives} positive and ${negatives} negative (field: examples)`,
        details: { minimumPerLabel: MIN_EXAMPLES_PER_LABEL, positives, negatives },
      }),
    );

  const source = `workspace ${workspaceId}: ${given.length} given, ${conversationLabels.length} labelled conversations, ${surveyComments.length} survey comments`;
  const trained = await trainOffThread(
    { examples, folds: TRAINING_FOLDS, seed: CROSS_VALIDATION_SEED, source },
    deps.logger,
  );
  // The count was checked above, so the trainer refusing is a bug, not the workspace's doing.
  if (!trained.ok) throw new Error(`sentiment training failed: ${trained.reason}`);

  const evaluation: SentimentEvaluation = {
    examples: examples.length,
    positives,
    negatives,
    folds: TRAINING_FOLDS,
    workspaceModel: {
      accuracy: round(trained.mean),
      standardDeviation: round(trained.standardDeviation),
      foldAccuracies: trained.foldAccuracies.map(round),
    },
    defaultModel: defaultModelOnFolds(examples),
    sources: {
      given: given.length,
      conversationLabels: conversationLabels.length,
      surveyComments: surveyComments.length,
    },
  };
  if (input.onlyIfBetter && evaluation.workspaceModel.accuracy <= evaluation.defaultModel.accuracy)
    return ok({ active: false, model: 'default', modelId: null, trainedAt: null, evaluation });
  const modelId = uuidv7();
  const trainedAt = await saveWorkspaceModel(deps.db, {
    workspaceId,
    modelId,
    modelJson: trained.modelJson,
    evaluation,
  });
  return ok({ active: true, model: 'workspace', modelId, trainedAt, evaluation });
}

/**
 * The shipped model on the same folds as the workspace model's cross-validation (it saw none of
 * these examples, so every fold is unseen data for it). Positive when its score is above 0, as
 * the cross-validation counts probability ≥ 0.5; a text it cannot judge counts as wrong.
 */
function defaultModelOnFolds(examples: readonly LabelledText[]): SentimentEvaluation['defaultModel'] {
  const results = classifySentiment({
    model: loadDefaultSentimentModel(),
    texts: examples.map((e) => e.text),
    neutralBand: 0,
  });
  const foldOf = stratifiedFolds({ examples, folds: TRAINING_FOLDS, seed: CROSS_VALIDATION_SEED });
  const correct = new Array<number>(TRAINING_FOLDS).fill(0);
  const sizes = new Array<number>(TRAINING_FOLDS).fill(0);
  examples.forEach((example, i) => {
    const fold = foldOf[i] ?? 0;
    sizes[fold] = (sizes[fold] ?? 0) + 1;
    if (results[i]?.label === example.label) correct[fold] = (correct[fold] ?? 0) + 1;
  });
  const foldAccuracies = correct.map((c, fold) => c / (sizes[fold] || 1));
  return {
    accuracy: round(foldAccuracies.reduce((a, b) => a + b, 0) / TRAINING_FOLDS),
    foldAccuracies: foldAccuracies.map(round),
  };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
