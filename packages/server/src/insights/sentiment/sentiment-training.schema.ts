// Request and reply shapes of a workspace's sentiment model (the OpenAPI file is made from these).
import { z } from 'zod';

export const TrainBody = z
  .object({
    examples: z
      .array(
        z.object({
          text: z.string().trim().min(1, 'must not be empty').max(4_000),
          label: z.enum(['positive', 'negative']),
        }),
      )
      .max(10_000)
      .optional()
      .describe('Labelled texts (positive or negative; a neutral label is not taken)'),
    fromConversations: z
      .boolean()
      .default(false)
      .describe(
        'Also take conversations labelled sentiment:positive / sentiment:negative and CSAT/NPS survey comments',
      ),
    onlyIfBetter: z
      .boolean()
      .default(false)
      .describe('Keep the current model unless the new one beats the default on the same folds'),
  })
  .refine((body) => (body.examples?.length ?? 0) > 0 || body.fromConversations, {
    message: 'send examples, or fromConversations: true',
    path: ['examples'],
  });

const Evaluation = z.object({
  examples: z.number().int(),
  positives: z.number().int(),
  negatives: z.number().int(),
  folds: z.number().int(),
  workspaceModel: z.object({
    accuracy: z.number(),
    standardDeviation: z.number(),
    foldAccuracies: z.array(z.number()),
  }),
  defaultModel: z.object({ accuracy: z.number(), foldAccuracies: z.array(z.number()) }),
  sources: z.object({
    given: z.number().int(),
    conversationLabels: z.number().int(),
    surveyComments: z.number().int(),
  }),
});

export const TrainReply = z.object({
  /** Whether the new model is now the workspace's (false when onlyIfBetter kept the current one). */
  active: z.boolean(),
  model: z.enum(['workspace', 'default']),
  modelId: z.string().nullable(),
  trainedAt: z.date().nullable(),
  evaluation: Evaluation,
});

export const ModelReply = z.object({
  model: z.enum(['workspace', 'default']),
  modelId: z.string().nullable(),
  trainedAt: z.date().nullable(),
  evaluation: Evaluation.nullable(),
});

export const DeleteModelReply = z.object({ model: z.literal('default'), deleted: z.boolean() });
