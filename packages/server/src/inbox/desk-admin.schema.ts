import { z } from 'zod';
import { MacroAction } from './canned.ts';
import { DeskSettings, DeskSettingsPatch } from './desk-settings.ts';
import { RoutingActions, RoutingConditions } from './routing.ts';
import { SlaConditions } from './sla.ts';

export const TeamBody = z.object({
  name: z.string().trim().min(1).max(120),
  department: z.string().trim().min(1).max(60).default('service'),
  members: z.array(z.string().uuid()).max(500).default([]),
});
export const TeamReply = z.object({
  id: z.string(),
  name: z.string(),
  department: z.string(),
  members: z.array(z.string()),
});

export const UserParams = z.object({ userId: z.string().uuid() });
export const AgentSettingsBody = z.object({
  capacity: z.number().int().min(0).max(1000).optional(),
  available: z.boolean().optional(),
  languages: z.array(z.string().min(2).max(10)).max(20).optional(),
  extension: z.string().max(40).nullable().optional(),
});
export const AgentSettingsReply = z.object({
  userId: z.string(),
  capacity: z.number(),
  available: z.boolean(),
  languages: z.array(z.string()),
  extension: z.string().nullable(),
});

export const RoutingRuleBody = z.object({
  name: z.string().trim().min(1).max(120),
  position: z.number().int().min(0).max(10_000).default(0),
  enabled: z.boolean().default(true),
  conditions: RoutingConditions.default({}),
  actions: RoutingActions,
});
export const RoutingRuleReply = RoutingRuleBody.extend({ id: z.string() });

export const SlaPolicyBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    position: z.number().int().min(0).max(10_000).default(0),
    conditions: SlaConditions.default({}),
    firstResponseMinutes: z.number().int().min(1).max(525_600).nullable().default(null),
    nextResponseMinutes: z.number().int().min(1).max(525_600).nullable().default(null),
    resolutionMinutes: z.number().int().min(1).max(525_600).nullable().default(null),
    warnBeforeMinutes: z.number().int().min(0).max(10_080).default(15),
    businessHours: z.boolean().default(true),
    escalateTeamId: z.string().uuid().nullable().default(null),
    escalateUserId: z.string().uuid().nullable().default(null),
  })
  .refine((p) => p.firstResponseMinutes || p.nextResponseMinutes || p.resolutionMinutes, {
    message: 'set at least one of firstResponseMinutes, nextResponseMinutes, resolutionMinutes',
    path: ['firstResponseMinutes'],
  });
export const SlaPolicyReply = z.object({
  id: z.string(),
  name: z.string(),
  position: z.number(),
  conditions: SlaConditions,
  firstResponseMinutes: z.number().nullable(),
  nextResponseMinutes: z.number().nullable(),
  resolutionMinutes: z.number().nullable(),
  warnBeforeMinutes: z.number(),
  businessHours: z.boolean(),
  escalateTeamId: z.string().nullable(),
  escalateUserId: z.string().nullable(),
});

export const CustomStatusBody = z.object({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,39}$/, 'must be 2–40 lower-case letters, digits or _')
    .refine((k) => !['open', 'pending', 'snoozed', 'resolved'].includes(k), 'is a built-in status'),
  label: z.string().trim().min(1).max(80),
  category: z.enum(['open', 'pending', 'snoozed', 'resolved']),
});

export { DeskSettings, DeskSettingsPatch };

export const CannedBody = z.object({
  shortCode: z.string().regex(/^[\p{L}\p{N}_-]{1,40}$/u, 'must be one word (letters, digits, _ or -)'),
  body: z.string().trim().min(1).max(20_000),
});
export const CannedReply = z.object({ id: z.string(), shortCode: z.string(), body: z.string() });

export const MacroBody = z.object({
  name: z.string().trim().min(1).max(120),
  actions: z.array(MacroAction).min(1).max(20),
});
export const MacroReply = z.object({ id: z.string(), name: z.string(), actions: z.array(MacroAction) });
