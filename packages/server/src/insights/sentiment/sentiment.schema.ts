// The stored form of a sentiment model (the shipped default and any workspace's own) and its
// conversion to and from the in-memory model.
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import type { SentimentModel } from './sentiment-model.ts';
import type { LinearMember } from './linear-member.ts';

export const SENTIMENT_MODEL_FORMAT = 'pishkhan-sentiment-model';
export const SENTIMENT_MODEL_VERSION = 1;

const featureSpec = z.object({
  wordNgramMax: z.number().int().min(0).max(4),
  charNgramMin: z.number().int().min(0).max(10),
  charNgramMax: z.number().int().min(0).max(10),
  charNgramScope: z.enum(['word', 'text']),
});

const storedMember = z
  .object({
    name: z.string(),
    weighting: z.enum(['tfidf-lr', 'nb-lr', 'mnb']),
    features: featureSpec,
    bias: z.number(),
    /** Feature keys; `scales[i]` and `weights[i]` belong to `vocabulary[i]`. */
    vocabulary: z.array(z.string()),
    /** Absent for mnb, whose scales are all 1. */
    scales: z.array(z.number()).optional(),
    weights: z.array(z.number()),
  })
  .refine((m) => m.weights.length === m.vocabulary.length, 'weights and vocabulary differ in length')
  .refine(
    (m) => (m.scales?.length ?? m.vocabulary.length) === m.vocabulary.length,
    'scales and vocabulary differ in length',
  )
  .refine((m) => m.weighting === 'mnb' || m.scales !== undefined, 'a logistic member needs its scales')
  .refine(
    (m) => m.vocabulary.every((key) => /^[wct]/.test(key)),
    'a feature key starts with its kind (w, c or t)',
  );

export const storedSentimentModel = z.object({
  format: z.literal(SENTIMENT_MODEL_FORMAT),
  version: z.literal(SENTIMENT_MODEL_VERSION),
  neutralBand: z.number().min(0).max(1),
  latinText: z.enum(['lexicon', 'model']),
  trainedOn: z.object({ examples: z.number().int().min(0), source: z.string() }),
  members: z.array(storedMember).min(1),
});
export type StoredSentimentModel = z.infer<typeof storedSentimentModel>;

export type SentimentModelParseError = { type: 'invalid-sentiment-model'; message: string };

/** Four significant digits keep predictions unchanged (checked by a test) and the file small. */
const round = (value: number) => Number(value.toPrecision(4));

/** The model as JSON text, for a file or a database column. */
export function serializeModel(model: SentimentModel): string {
  const stored: StoredSentimentModel = {
    format: SENTIMENT_MODEL_FORMAT,
    version: SENTIMENT_MODEL_VERSION,
    neutralBand: model.neutralBand,
    latinText: model.latinText,
    trainedOn: model.trainedOn,
    members: model.members.map((member) => ({
      name: member.name,
      weighting: member.weighting,
      features: member.features,
      bias: round(member.bias),
      vocabulary: [...member.vocabulary.keys()],
      ...(member.weighting === 'mnb' ? {} : { scales: Array.from(member.scales, round) }),
      weights: Array.from(member.weights, round),
    })),
  };
  return JSON.stringify(stored);
}

/** Reads a model stored by `serializeModel`; anything else is an error value, never a throw. */
export function parseModel(json: string): Result<SentimentModel, SentimentModelParseError> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    return err({ type: 'invalid-sentiment-model', message: `not JSON: ${String(error)}` });
  }
  const parsed = storedSentimentModel.safeParse(data);
  if (!parsed.success) {
    return err({ type: 'invalid-sentiment-model', message: z.prettifyError(parsed.error) });
  }
  const stored = parsed.data;
  const members: LinearMember[] = stored.members.map((member) => ({
    name: member.name,
    weighting: member.weighting,
    features: member.features,
    bias: member.bias,
    vocabulary: new Map(member.vocabulary.map((key, column) => [key, column])),
    scales: member.scales
      ? Float64Array.from(member.scales)
      : new Float64Array(member.vocabulary.length).fill(1),
    weights: Float64Array.from(member.weights),
  }));
  return ok({
    members,
    neutralBand: stored.neutralBand,
    latinText: stored.latinText,
    trainedOn: stored.trainedOn,
  });
}
