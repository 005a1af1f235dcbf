import { z } from 'zod';

const DateLike = z
  .string()
  .refine((v) => !Number.isNaN(new Date(v).getTime()), 'must be an ISO-8601 date')
  .transform((v) => new Date(v));

export const ClvFitBody = z.object({
  calibrationEnd: DateLike.describe(
    'purchases up to this moment fit the models; customers are valued as of it',
  ),
  timeUnit: z.enum(['week', 'day']).default('week'),
  horizonMonths: z.number().int().min(1).max(120).default(12),
  monthlyDiscountRate: z.number().min(0).max(1).default(0.01),
});
export type ClvFitBody = z.infer<typeof ClvFitBody>;

export const ClvFitReply = z.object({
  bgnbd: z.object({
    r: z.number(),
    alpha: z.number(),
    a: z.number(),
    b: z.number(),
    logLikelihood: z.number(),
  }),
  gammaGamma: z.object({ p: z.number(), q: z.number(), gamma: z.number(), logLikelihood: z.number() }),
  customers: z.number(),
  repeatCustomers: z.number(),
  totalClv: z.number(),
  fittedAt: z.date(),
});

export const RulesBody = z.object({
  minSupport: z.number().gt(0).max(1),
  minConfidence: z.number().min(0).max(1),
  minLen: z.number().int().min(1).max(10).default(2),
  maxLen: z.number().int().min(1).max(10).optional(),
  limit: z.number().int().min(1).max(10_000).default(1000),
});
export type RulesBody = z.infer<typeof RulesBody>;

export const RulesReply = z.object({
  transactions: z.number(),
  total: z.number(),
  rules: z.array(
    z.object({
      lhs: z.array(z.string()),
      rhs: z.array(z.string()),
      support: z.number(),
      confidence: z.number(),
      lift: z.number(),
      count: z.number(),
    }),
  ),
});

const Item = z.string().trim().min(1).max(200);
const RankBy = z.enum(['confidence', 'lift']).default('confidence');

export const AlsoBoughtBody = z.object({
  /** The items shown or owned: a template's products, a cart. */
  items: z.array(Item).min(1).max(100),
  limit: z.number().int().min(1).max(100).default(5),
  rankBy: RankBy,
});

export const CustomerRecommendationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(5),
  rankBy: RankBy,
});

export const RecommendationsReply = z.object({
  items: z.array(z.string()),
  transactions: z.number(),
  recommendations: z.array(
    z.object({
      item: z.string(),
      because: z.array(z.string()),
      confidence: z.number(),
      lift: z.number(),
      support: z.number(),
      count: z.number(),
    }),
  ),
});

export const SentimentBody = z.object({ texts: z.array(z.string().max(10_000)).min(1).max(1_000) });
export const SentimentReply = z.object({
  results: z.array(z.object({ label: z.enum(['positive', 'negative', 'neutral']), score: z.number() })),
});

export const CustomerScores = z
  .object({
    clv: z.number(),
    expectedPurchases: z.number(),
    expectedAverageSpend: z.number(),
    probabilityAlive: z.number(),
    horizonMonths: z.number(),
    fittedAt: z.date(),
  })
  .nullable();
export type CustomerScores = z.infer<typeof CustomerScores>;
