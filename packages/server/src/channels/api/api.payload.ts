// The generic API channel's own wire format (we define it; docs for integrators follow from it).
// Inbound: one event or `{ events: [...] }`. An event is a message from a customer, or a
// receipt for a message we delivered to the system.
import { z } from 'zod';

export const ApiIdentifier = z.object({ type: z.string().min(1), value: z.union([z.string(), z.number()]) });

export const ApiSender = z.object({
  identifiers: z.array(ApiIdentifier).max(20).optional(),
  /** Shorthands for the most common identifiers. */
  userId: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  name: z.string().max(200).optional(),
});

export const ApiAttachment = z.object({
  filename: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
  size: z.number().int().min(0).default(0),
  url: z.url(),
});

export const ApiMessage = z.object({
  type: z.literal('message').optional(),
  /** The sender system's id of the message: the inbox dedupes on it. */
  messageId: z.string().min(1).max(256),
  /** Groups messages into one conversation; defaults to the sender's first identifier. */
  threadKey: z.string().min(1).max(256).optional(),
  from: ApiSender,
  text: z.string().max(100_000).default(''),
  html: z.string().max(500_000).optional(),
  attachments: z.array(ApiAttachment).max(20).default([]),
  sentAt: z.iso.datetime({ offset: true }).optional(),
  inReplyTo: z.string().max(256).optional(),
  publicPost: z.object({ postId: z.string().min(1), commentId: z.string().min(1) }).optional(),
});
export type ApiMessage = z.infer<typeof ApiMessage>;

export const ApiReceipt = z.object({
  type: z.literal('receipt'),
  /** The id the system answered our delivery with (our messageId when it answered none). */
  messageId: z.string().min(1).max(256),
  status: z.enum(['queued', 'sent', 'delivered', 'read', 'failed']),
  error: z.string().max(1000).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});
export type ApiReceipt = z.infer<typeof ApiReceipt>;

export const ApiEvent = z.union([ApiReceipt, ApiMessage]);
export type ApiEvent = z.infer<typeof ApiEvent>;

export const ApiBody = z.union([z.object({ events: z.array(ApiEvent).min(1).max(100) }), ApiEvent]);
