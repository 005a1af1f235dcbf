import { z } from 'zod';
import { CustomerScores } from '../insights/insights.schema.ts';
import { ChurnScore } from '../insights/retention.schema.ts';
import { ACCOUNT_KINDS, ACCOUNT_TIERS, MEMBER_ROLES } from './accounts.service.ts';

export const CustomerId = z.object({ id: z.string().uuid('must be a customer id (UUID)') });

export const Identity = z.object({ type: z.string(), value: z.string() });

export const AccountReply = z.object({
  id: z.string(),
  groupId: z.string(),
  name: z.string().nullable(),
  kind: z.enum(ACCOUNT_KINDS),
  tier: z.enum(ACCOUNT_TIERS),
  ownerUserId: z.string().nullable(),
  traits: z.record(z.string(), z.unknown()),
});

export const CustomerReply = z.object({
  id: z.string(),
  kind: z.enum(['person', 'organization']),
  customerType: z.enum(['b2c', 'b2b', 'b2g']),
  traits: z.record(z.string(), z.unknown()),
  identities: z.array(Identity),
  accounts: z.array(AccountReply.extend({ roles: z.array(z.string()) })),
  firstSeenAt: z.date().nullable(),
  lastSeenAt: z.date().nullable(),
  createdAt: z.date(),
  scores: CustomerScores,
  churn: ChurnScore,
});

export const LookupQuery = z.object({
  type: z
    .string()
    .min(1)
    .max(80)
    .describe(
      'email, phone, userId, anonymousId, telegram, whatsapp, instagram, messenger, twitter, bale, webchat, voice or external:<system>',
    ),
  value: z.string().min(1).max(256),
});

export const TimelineQuery = z.object({
  cursor: z.string().max(200).optional(),
  channel: z.string().max(40).optional(),
  type: z.enum(['identify', 'track', 'page', 'screen', 'group', 'alias']).optional(),
  event: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const TimelineReply = z.object({
  events: z.array(
    z.object({
      id: z.string(),
      messageId: z.string(),
      type: z.string(),
      event: z.string().nullable(),
      channel: z.string(),
      timestamp: z.date(),
      receivedAt: z.date(),
      sourceId: z.string().nullable(),
      properties: z.record(z.string(), z.unknown()),
      context: z.record(z.string(), z.unknown()),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const MergedReply = z.object({ mergedInto: z.string(), location: z.string() });

export const AccountBody = z.object({
  groupId: z.string().trim().min(1).max(256),
  name: z.string().trim().max(200).optional(),
  kind: z.enum(ACCOUNT_KINDS).optional(),
  tier: z.enum(ACCOUNT_TIERS).optional(),
  ownerUserId: z.string().uuid().nullable().optional(),
  traits: z.record(z.string(), z.unknown()).optional(),
});
export const AccountWithMembersReply = AccountReply.extend({
  members: z.array(z.object({ customerId: z.string(), roles: z.array(z.string()) })),
});
export const MemberRolesBody = z.object({ roles: z.array(z.enum(MEMBER_ROLES)).max(8) });
export const AccountMemberParams = z.object({ id: z.string().uuid(), customerId: z.string().uuid() });
