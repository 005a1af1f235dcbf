import { z } from 'zod';
import { CHANNEL_KINDS } from '../channels/channel-adapter.ts';
import { PRIORITIES } from './routing.ts';

export const InboxBody = z.object({
  channel: z.enum(CHANNEL_KINDS),
  name: z.string().trim().min(1).max(120),
  config: z.record(z.string(), z.unknown()).default({}),
});

export const InboxChange = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    /** Only the keys to change; `"***"` keeps a stored credential. */
    config: z.record(z.string(), z.unknown()).optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .refine((c) => c.name !== undefined || c.config !== undefined || c.status !== undefined, {
    message: 'give name, config or status',
  });

export const InboxReply = z.object({
  id: z.string(),
  channel: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  disabledReason: z.string().nullable(),
  config: z.record(z.string(), z.unknown()),
  webhookUrl: z.string(),
  webhookSecret: z.string(),
  receivingAddress: z.string().nullable(),
  widgetScript: z.string().nullable(),
  createdAt: z.date(),
});

export const IdParams = z.object({ id: z.string().uuid('must be a UUID') });

export const ConversationsQuery = z.object({
  status: z.string().trim().min(1).max(60).optional(),
  customerId: z.string().uuid().optional(),
  inboxId: z.string().uuid().optional(),
  assigneeId: z.string().uuid().optional(),
  teamId: z.string().uuid().optional(),
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const Nullable = <T extends z.ZodTypeAny>(t: T) => t.nullable();

export const ConversationReply = z.object({
  id: z.string(),
  customerId: z.string(),
  inboxId: z.string(),
  replyInboxId: z.string(),
  channel: z.string(),
  status: z.string(),
  customStatus: z.string().nullable(),
  priority: z.enum(PRIORITIES),
  assigneeId: z.string().nullable(),
  teamId: z.string().nullable(),
  labels: z.array(z.string()),
  attributes: z.record(z.string(), z.unknown()),
  subject: z.string().nullable(),
  language: z.string().nullable(),
  handoverSummary: z.string().nullable(),
  mergedInto: z.string().nullable(),
  snoozedUntil: Nullable(z.date()),
  firstResponseAt: Nullable(z.date()),
  lastCustomerMessageAt: Nullable(z.date()),
  resolvedAt: Nullable(z.date()),
  reopenedCount: z.number(),
  sla: z.object({
    policyId: z.string().nullable(),
    firstResponseDue: Nullable(z.date()),
    nextResponseDue: Nullable(z.date()),
    resolutionDue: Nullable(z.date()),
    breached: z.array(z.string()),
  }),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const MessageReply = z.object({
  id: z.string(),
  conversationId: z.string(),
  inboxId: z.string(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  senderType: z.enum(['customer', 'agent', 'bot', 'system']),
  senderId: z.string().nullable(),
  private: z.boolean(),
  body: z.string(),
  html: z.string().nullable(),
  subject: z.string().nullable(),
  attachments: z.array(z.unknown()),
  status: z.string(),
  error: z.string().nullable(),
  sendAt: Nullable(z.date()),
  mentions: z.array(z.string()),
  createdAt: z.date(),
});

export const MessageBody = z.object({
  body: z.string().trim().min(1, 'must not be empty').max(20_000),
  private: z.boolean().default(false),
  /** Send later (ISO time); ignored for private notes. */
  sendAt: z.coerce.date().optional(),
  /** Files to send (e-mail carries them; other channels refuse) or to keep with a note. Limits: attachments.ts. */
  attachments: z
    .array(
      z.object({
        filename: z
          .string()
          .trim()
          .min(1)
          .max(255)
          .refine(
            // No path and no control characters: it becomes a MIME header and a download's name.
            (name) => !/[/\\]/.test(name) && ![...name].some((c) => c.charCodeAt(0) < 32),
            'must be a plain file name',
          ),
        contentType: z
          .string()
          .trim()
          .toLowerCase()
          .regex(
            /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/,
            'must be a MIME type like application/pdf',
          ),
        contentBase64: z
          .string()
          .max(14_000_000)
          .regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, 'must be base64'),
      }),
    )
    .max(10)
    .optional(),
});

export const PostedMessageReply = z.object({ messageId: z.string(), status: z.string() });

export const ConversationPatchBody = z
  .object({
    status: z.string().trim().min(1).max(60).optional(),
    priority: z.enum(PRIORITIES).optional(),
    labels: z.array(z.string().trim().min(1).max(60)).max(30).optional(),
    assigneeId: z.string().uuid().nullable().optional(),
    teamId: z.string().uuid().nullable().optional(),
    snoozedUntil: z.coerce.date().optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');

export const TransferBody = z
  .object({
    toUserId: z.string().uuid().optional(),
    toTeamId: z.string().uuid().optional(),
    summary: z.string().trim().max(4000).optional(),
  })
  .refine((b) => b.toUserId || b.toTeamId, { message: 'name toUserId or toTeamId', path: ['toUserId'] });

export const TransferReply = z.object({
  transferId: z.string(),
  summary: z.string(),
  conversation: ConversationReply,
});

export const ScheduledParams = z.object({ id: z.string().uuid(), messageId: z.string().uuid() });

export const AttachmentParams = z.object({
  id: z.string().uuid(),
  messageId: z.string().uuid(),
  /** The file's position in the message's `attachments`, from 0. */
  n: z.coerce.number().int().min(0).max(999),
});

export const DeadLettersReply = z.object({
  deadLetters: z.array(
    z.object({
      id: z.string(),
      inboxId: z.string(),
      reason: z.string(),
      body: z.string(),
      createdAt: z.date(),
    }),
  ),
});

export const NotificationsReply = z.object({
  notifications: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      body: z.string(),
      conversationId: z.string().nullable(),
      messageId: z.string().nullable(),
      readAt: z.date().nullable(),
      createdAt: z.date(),
    }),
  ),
});
