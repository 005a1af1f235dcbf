import { z } from 'zod';

const DateLike = z
  .string()
  .refine((v) => !Number.isNaN(new Date(v).getTime()), 'must be an ISO-8601 date')
  .transform((v) => new Date(v));
// PostgreSQL text cannot hold NUL, so control characters are refused as bad input, not a 500.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f]*$/;
const Days = z.coerce.number().int().min(1).max(3650);

export const ChurnFitBody = z.object({
  cutoff: DateLike.optional().describe(
    'features from the history up to this moment, labels from the window after it (default: the latest event − churnWindowDays)',
  ),
  churnWindowDays: Days.default(90).describe('churned = no purchase within this many days after the cutoff'),
});
export type ChurnFitBody = z.infer<typeof ChurnFitBody>;

export const ChurnFitReply = z.object({
  auc: z.number().describe('hold-out AUC of the model (30% of customers, seeded split)'),
  baselineAuc: z.number().describe('hold-out AUC of days since the last order alone'),
  trainCustomers: z.number(),
  holdoutCustomers: z.number(),
  churnRate: z.number().describe('share of the labelled customers who churned'),
  coefficients: z.array(z.object({ feature: z.string(), weight: z.number() })),
  customers: z.number().describe('customers scored on their history up to scoredAt'),
  cutoff: z.date(),
  scoredAt: z.date(),
  fittedAt: z.date(),
});

export const SurvivalQuery = z.object({
  churnAfterDays: Days.default(90).describe('a customer has left after this many days without a purchase'),
});

export const SurvivalReply = z.object({
  customers: z.number(),
  churned: z.number(),
  curve: z.array(
    z.object({ tenureDays: z.number(), survival: z.number(), atRisk: z.number(), events: z.number() }),
  ),
  medianLifetimeDays: z.number().nullable(),
  restrictedMeanDays: z.number(),
  restrictedToDays: z.number(),
  hazardByMonth: z.array(
    z.object({ month: z.number(), hazard: z.number(), atRisk: z.number(), events: z.number() }),
  ),
});

export const CostBody = z
  .object({
    channel: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .regex(NO_CONTROL, 'must not contain control characters')
      .toLowerCase(),
    campaign: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(NO_CONTROL, 'must not contain control characters')
      .optional(),
    amount: z.number().min(0).max(1e12),
    currency: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
    from: DateLike,
    to: DateLike.describe('end of the period the cost paid for, exclusive'),
  })
  .superRefine((body, ctx) => {
    if (body.from >= body.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after `from`' });
  });
export type CostBody = z.infer<typeof CostBody>;

export const CostReply = z.object({
  id: z.string(),
  channel: z.string(),
  campaign: z.string().nullable(),
  amount: z.number(),
  currency: z.string(),
  from: z.date(),
  to: z.date(),
});

export const CostImportBody = z.object({
  csv: z
    .string()
    .min(1)
    .max(1_000_000)
    .describe('CSV text with a header: channel, campaign (optional), amount, currency, from, to'),
});

export const CostImportReply = z.object({ imported: z.number(), costs: z.array(CostReply) });

export const AcquisitionQuery = z
  .object({ from: DateLike, to: DateLike.describe('exclusive') })
  .superRefine((q, ctx) => {
    if (q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after `from`' });
  });
export type AcquisitionQuery = z.infer<typeof AcquisitionQuery>;

export const AcquisitionReply = z.object({
  customers: z.number(),
  byChannel: z.array(
    z.object({
      channel: z.string(),
      campaign: z.string().nullable(),
      currency: z.string().nullable(),
      cost: z.number(),
      customers: z.number(),
      costPerCustomer: z.number().nullable(),
    }),
  ),
});

export const OfferParams = z.object({
  offerId: z.string().min(1).max(200).regex(NO_CONTROL, 'must not contain control characters'),
});
export const OfferQuery = z.object({
  windowDays: Days.default(30).describe('a conversion counts within this many days after the offer'),
});

const OfferGroupReply = z.object({
  customers: z.number(),
  conversions: z.number(),
  revenue: z.number(),
  conversionRate: z.number(),
  revenuePerCustomer: z.number(),
});
export const OfferRoiReply = z.object({
  offerId: z.string(),
  windowDays: z.number(),
  treated: OfferGroupReply,
  holdout: OfferGroupReply,
  uplift: z.number(),
  pValue: z.number().nullable(),
  incrementalRevenue: z.number(),
  cost: z.number(),
  roi: z.number().nullable(),
});

export const ChurnScore = z
  .object({
    churnProbability: z.number(),
    churnWindowDays: z.number(),
    scoredAt: z.date(),
    fittedAt: z.date(),
  })
  .nullable();
export type ChurnScore = z.infer<typeof ChurnScore>;
