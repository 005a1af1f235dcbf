// The Segment Spec calls, as the Segment HTTP API accepts them, so Segment and RudderStack SDKs
// work unchanged. Unknown top-level fields are ignored, as Segment does.
import { z } from 'zod';

export const EVENT_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const Id = z.union([z.string().trim().min(1).max(256), z.number().finite()]).transform(String);
export const DateLike = z
  .union([z.string(), z.number()])
  .refine((v) => !Number.isNaN(new Date(v).getTime()), 'must be an ISO-8601 date');
const Json = z.record(z.string(), z.unknown());

const Common = {
  messageId: z.string().trim().min(1).max(200).optional(),
  userId: Id.optional().nullable(),
  anonymousId: Id.optional().nullable(),
  timestamp: DateLike.optional().nullable(),
  originalTimestamp: DateLike.optional().nullable(),
  sentAt: DateLike.optional().nullable(),
  context: Json.optional().nullable(),
  integrations: Json.optional().nullable(),
  /** Pishkhan: the touchpoint (web, app, email, whatsapp, store…); otherwise context.channel or the source's channel. */
  channel: z.string().trim().min(1).max(40).optional().nullable(),
};

const needsAnId = <T extends { userId?: string | null; anonymousId?: string | null }>(
  e: T,
  ctx: z.RefinementCtx,
) => {
  if (!e.userId && !e.anonymousId) {
    ctx.addIssue({ code: 'custom', path: ['userId'], message: 'userId or anonymousId is required' });
  }
};

export const IdentifyCall = z
  .object({ ...Common, type: z.literal('identify'), traits: Json.optional().nullable() })
  .superRefine(needsAnId);
export const TrackCall = z
  .object({
    ...Common,
    type: z.literal('track'),
    event: z.string().trim().min(1).max(200),
    properties: Json.optional().nullable(),
  })
  .superRefine(needsAnId);
export const PageCall = z
  .object({
    ...Common,
    type: z.literal('page'),
    name: z.string().max(200).optional().nullable(),
    category: z.string().max(200).optional().nullable(),
    properties: Json.optional().nullable(),
  })
  .superRefine(needsAnId);
export const ScreenCall = z
  .object({
    ...Common,
    type: z.literal('screen'),
    name: z.string().max(200).optional().nullable(),
    properties: Json.optional().nullable(),
  })
  .superRefine(needsAnId);
export const GroupCall = z
  .object({ ...Common, type: z.literal('group'), groupId: Id, traits: Json.optional().nullable() })
  .superRefine(needsAnId);
export const AliasCall = z.object({ ...Common, type: z.literal('alias'), previousId: Id, userId: Id });

export const SegmentCall = z.discriminatedUnion('type', [
  IdentifyCall,
  TrackCall,
  PageCall,
  ScreenCall,
  GroupCall,
  AliasCall,
]);
export type SegmentCall = z.infer<typeof SegmentCall>;

export const IngestReply = z.object({
  success: z.literal(true),
  accepted: z.number(),
  duplicates: z.number(),
});
