// Request and reply shapes of social listening: mentions from a connector, brand keywords,
// mentions read back, spike alerts.
import { z } from 'zod';

export const SENTIMENT_LABELS = ['positive', 'negative', 'neutral'] as const;

export const Mention = z.object({
  network: z
    .string()
    .regex(
      /^[a-z][a-z0-9_-]{0,39}$/,
      'must be a lower-case network name such as instagram, twitter, telegram',
    )
    .describe('instagram, twitter (or x), telegram, bale, facebook, linkedin, youtube, aparat, news, …'),
  id: z
    .string()
    .min(1)
    .max(200)
    .describe("The network's id of the post or comment (repeats are stored once)"),
  author: z.object({
    handle: z.string().trim().min(1).max(200),
    name: z.string().max(200).optional(),
  }),
  text: z.string().min(1).max(10_000),
  url: z.string().url().max(2000).optional(),
  postedAt: z.coerce.date(),
});
export type Mention = z.infer<typeof Mention>;

export const MentionsBody = z.object({ mentions: z.array(Mention).min(1).max(500) });

export const AlertReply = z.object({
  id: z.string(),
  kind: z.literal('negative-spike'),
  startedAt: z.date(),
  lastHourAt: z.date(),
  negativeMentions: z.number().int(),
  peakHourCount: z.number().int(),
  baselineMean: z.number(),
  baselineStd: z.number(),
  pValue: z.number(),
  sampleMentions: z.array(z.object({ network: z.string(), id: z.string(), text: z.string() })),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type AlertReply = z.infer<typeof AlertReply>;

export const MentionsReply = z.object({
  received: z.number().int(),
  /** Mentions already stored (a connector's retry). */
  duplicates: z.number().int(),
  /** Mentions naming none of the brand keywords. */
  ignored: z.number().int(),
  recorded: z.array(
    z.object({
      network: z.string(),
      id: z.string(),
      customerId: z.string().nullable(),
      sentiment: z.enum(SENTIMENT_LABELS),
      sentimentScore: z.number(),
      keywords: z.array(z.string()),
    }),
  ),
  /** Alerts this batch raised or extended. */
  alerts: z.array(AlertReply),
});

export const KeywordsBody = z.object({
  keywords: z.array(z.string().trim().min(1).max(100)).max(100),
});
export const KeywordsReply = z.object({ keywords: z.array(z.string()), updatedAt: z.date().nullable() });

export const AlertsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const AlertsReply = z.object({ alerts: z.array(AlertReply) });

export const MentionListQuery = z.object({
  sentiment: z.enum(SENTIMENT_LABELS).optional(),
  network: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const MentionListReply = z.object({
  mentions: z.array(
    z.object({
      network: z.string(),
      id: z.string(),
      authorHandle: z.string(),
      text: z.string(),
      url: z.string().nullable(),
      postedAt: z.date(),
      sentiment: z.enum(SENTIMENT_LABELS),
      sentimentScore: z.number(),
      keywords: z.array(z.string()),
      customerId: z.string().nullable(),
    }),
  ),
});
