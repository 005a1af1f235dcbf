import { z } from 'zod';

const DAY_MS = 86_400_000;
/** The longest period one analysis reads, so a request stays bounded on a large workspace. */
export const MAX_PERIOD_DAYS = 3 * 366;
export const PURCHASE_EVENT = 'Order Completed';

const DateLike = z
  .string()
  .refine((v) => !Number.isNaN(new Date(v).getTime()), 'must be an ISO-8601 date')
  .transform((v) => new Date(v));
const EventName = z.string().trim().min(1).max(200);
// Channels are stored lower-cased by ingest.
const Channel = z.string().trim().min(1).max(40).toLowerCase();

const period = {
  from: DateLike.optional().describe('start of the period (default: 365 days before `to`)'),
  to: DateLike.optional().describe('end of the period, exclusive (default: now)'),
};

/** Both ends of the period, with its defaults. */
export function resolvePeriod(body: { from?: Date | undefined; to?: Date | undefined }, now = new Date()) {
  const to = body.to ?? now;
  return { from: body.from ?? new Date(to.getTime() - 365 * DAY_MS), to };
}

function checkPeriod(body: { from?: Date | undefined; to?: Date | undefined }, ctx: z.RefinementCtx): void {
  const { from, to } = resolvePeriod(body);
  if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before `to`' });
  else if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS)
    ctx.addIssue({
      code: 'custom',
      path: ['from'],
      message: `the period is at most ${MAX_PERIOD_DAYS} days`,
    });
}

const EventGoal = z.strictObject({ event: EventName, channel: Channel.optional() });
const ChurnGoal = z.strictObject({
  inactiveDays: z.number().int().min(1).max(365).describe('churned = no event for this many days'),
});

export const PathsBody = z
  .object({
    goal: z
      .union([EventGoal, ChurnGoal])
      .default({ event: PURCHASE_EVENT })
      .describe('`{event, channel?}` (default Order Completed) or `{inactiveDays}` for churn'),
    ...period,
    lookbackDays: z.number().int().min(1).max(365).default(30),
    maxSteps: z.number().int().min(1).max(30).default(10).describe('longer paths keep their last steps'),
    limit: z.number().int().min(1).max(200).default(20).describe('top paths returned'),
  })
  .superRefine(checkPeriod);
export type PathsBody = z.infer<typeof PathsBody>;

const Rate = z.number().nullable();

export const PathsReply = z.object({
  customers: z.number().describe('customers who reached the goal in the period'),
  journeys: z.number().describe('customers with a journey in the period, converting or not'),
  paths: z.array(z.object({ channels: z.array(z.string()), customers: z.number(), share: z.number() })),
  transitions: z.array(
    z.object({ from: z.string(), to: z.string(), count: z.number(), probability: z.number() }),
  ),
  conversionProbability: z.number(),
  attribution: z.array(
    z.object({
      channel: z.string(),
      firstTouch: z.number(),
      lastTouch: z.number(),
      linear: z.number(),
      markov: z.number(),
      removalEffect: z.number(),
    }),
  ),
});
export type PathsReply = z.infer<typeof PathsReply>;

export const FUNNEL_BREAKDOWNS = ['channel', 'customerType', 'tier'] as const;
export type FunnelBreakdown = (typeof FUNNEL_BREAKDOWNS)[number];

export const FunnelBody = z
  .object({
    steps: z
      .array(z.object({ event: EventName, channel: Channel.optional() }))
      .min(2)
      .max(10),
    windowDays: z.number().gt(0).max(90).default(30).describe('from step 1 to the last step'),
    ...period,
    breakdown: z
      .enum(FUNNEL_BREAKDOWNS)
      .optional()
      .describe('channel of the step-1 event, customer type (B2C/B2B/B2G) or account tier'),
  })
  .superRefine(checkPeriod);
export type FunnelBody = z.infer<typeof FunnelBody>;

const FunnelSteps = z.array(
  z.object({
    event: z.string(),
    channel: z.string().nullable(),
    customers: z.number(),
    fromPrevious: Rate,
    fromFirst: Rate,
    medianSecondsFromPrevious: z.number().nullable(),
  }),
);

export const FunnelReply = z.object({
  steps: FunnelSteps,
  breakdown: z.array(z.object({ key: z.string(), steps: FunnelSteps })).optional(),
});
export type FunnelReply = z.infer<typeof FunnelReply>;

export const EFFECTIVENESS_DIMENSIONS = ['channel', 'customerType', 'tier', 'stage'] as const;
export type EffectivenessDimension = (typeof EFFECTIVENESS_DIMENSIONS)[number];
export const LIFECYCLE_STAGES = ['new', 'active', 'lapsed', 'prospect'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const EffectivenessBody = z
  .object({
    touchEvent: EventName.default('Message Sent').describe('the outbound touch (a track event name)'),
    responseHours: z.number().gt(0).max(720).default(48),
    conversionDays: z.number().gt(0).max(365).default(30),
    goal: EventGoal.default({ event: PURCHASE_EVENT }),
    ...period,
    groupBy: z
      .array(z.enum(EFFECTIVENESS_DIMENSIONS))
      .min(1)
      .default([...EFFECTIVENESS_DIMENSIONS]),
  })
  .superRefine((body, ctx) => {
    checkPeriod(body, ctx);
    if (body.touchEvent === body.goal.event)
      ctx.addIssue({ code: 'custom', path: ['touchEvent'], message: 'must differ from the goal event' });
  });
export type EffectivenessBody = z.infer<typeof EffectivenessBody>;

const Interval = z.tuple([z.number(), z.number()]);

export const EffectivenessReply = z.object({
  touches: z.number(),
  rows: z.array(
    z.object({
      channel: z.string().nullable(),
      segment: z.string().nullable().describe('customer type, with the account tier when there is one'),
      customerType: z.enum(['b2c', 'b2b', 'b2g']).nullable(),
      tier: z.enum(['small', 'mid', 'key', 'none']).nullable(),
      stage: z.enum(LIFECYCLE_STAGES).nullable(),
      touches: z.number(),
      customers: z.number(),
      responses: z.number(),
      responseRate: z.number(),
      responseCi: Interval,
      conversions: z.number(),
      conversionRate: z.number(),
      conversionCi: Interval,
    }),
  ),
});
export type EffectivenessReply = z.infer<typeof EffectivenessReply>;
