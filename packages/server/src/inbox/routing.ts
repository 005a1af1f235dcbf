// Who takes a new conversation: a key account's manager first, then the first matching routing
// rule (channel, language, tier, segment, keywords, traits), then automatic assignment inside
// the chosen team — round-robin or by spare capacity, only while the desk is open.
import { z } from 'zod';
import { ACCOUNT_TIERS, listCustomerAccounts } from '../customers/accounts.service.ts';
import { normalizePersian } from '../core/persian-text.ts';
import type { Tx } from '../db/database.ts';
import { isOpenAt } from './business-hours.ts';
import type { DeskSettings } from './desk-settings.ts';
import type { SlaPolicyRow } from './sla.ts';

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const RoutingConditions = z.object({
  channels: z.array(z.string().max(40)).max(20).optional(),
  inboxIds: z.array(z.string().uuid()).max(50).optional(),
  languages: z.array(z.string().max(10)).max(20).optional(),
  tiers: z.array(z.enum(ACCOUNT_TIERS)).max(3).optional(),
  /** Matched against the customer's `segments` trait (segment keys). */
  segments: z.array(z.string().max(120)).max(50).optional(),
  /** Any of these words in the first message (Persian-normalised). */
  keywords: z.array(z.string().min(1).max(120)).max(100).optional(),
  traits: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type RoutingConditions = z.infer<typeof RoutingConditions>;

export const RoutingActions = z.object({
  teamId: z.string().uuid().optional(),
  assigneeId: z.string().uuid().optional(),
  priority: z.enum(PRIORITIES).optional(),
  labels: z.array(z.string().min(1).max(60)).max(20).optional(),
});
export type RoutingActions = z.infer<typeof RoutingActions>;

export type RoutingInput = {
  workspaceId: string;
  customerId: string;
  channel: string;
  inboxId: string;
  text: string;
  language: string;
  settings: DeskSettings;
  now: Date;
};

export type RoutingDecision = {
  assigneeId: string | null;
  teamId: string | null;
  priority: Priority;
  labels: string[];
  tiers: string[];
  reason: 'key_account' | 'rule' | 'auto' | 'queued';
  ruleId: string | null;
};

/** Persian text (Arabic script) or not: enough to route to a Persian- or English-speaking team. */
export function detectLanguage(text: string): string {
  const arabicScript = (text.match(/[\u0600-\u06FF]/g) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  return arabicScript > 0 && arabicScript >= latin / 2 ? 'fa' : latin > 0 ? 'en' : 'fa';
}

export function matchesConditions(
  c: RoutingConditions,
  facts: {
    channel: string;
    inboxId: string;
    language: string;
    tiers: string[];
    traits: Record<string, unknown>;
    text: string;
  },
): boolean {
  if (c.channels?.length && !c.channels.includes(facts.channel)) return false;
  if (c.inboxIds?.length && !c.inboxIds.includes(facts.inboxId)) return false;
  if (c.languages?.length && !c.languages.includes(facts.language)) return false;
  if (c.tiers?.length && !c.tiers.some((t) => facts.tiers.includes(t))) return false;
  if (c.segments?.length) {
    const segments = Array.isArray(facts.traits.segments) ? facts.traits.segments.map(String) : [];
    if (!c.segments.some((s) => segments.includes(s))) return false;
  }
  if (c.keywords?.length) {
    const text = ` ${normalizePersian(facts.text)} `;
    if (!c.keywords.some((k) => text.includes(normalizePersian(k)))) return false;
  }
  for (const [key, value] of Object.entries(c.traits ?? {})) if (facts.traits[key] !== value) return false;
  return true;
}

type RuleRow = { id: string; conditions: unknown; actions: unknown };

/** What routing a new conversation and giving it its SLA read, besides the customer's accounts. */
export type RoutingFacts = {
  traits: Record<string, unknown>;
  rules: RuleRow[];
  slaPolicies: SlaPolicyRow[];
};

/** The customer's traits, the enabled routing rules and the SLA policies: one round trip. */
export async function readRoutingFacts(
  tx: Tx,
  input: { workspaceId: string; customerId: string },
): Promise<RoutingFacts> {
  const [read] = await tx.query<{
    traits: Record<string, unknown> | null;
    rules: RuleRow[];
    sla_policies: SlaPolicyRow[];
  }>(
    `SELECT (SELECT traits FROM customers WHERE workspace_id = $1 AND id = $2) AS traits,
       coalesce((SELECT json_agg(json_build_object('id', id, 'conditions', conditions, 'actions', actions)
                   ORDER BY position, created_at)
                 FROM routing_rules WHERE workspace_id = $1 AND enabled), '[]'::json) AS rules,
       coalesce((SELECT json_agg(p ORDER BY p.position, p.created_at) FROM sla_policies p WHERE p.workspace_id = $1),
                '[]'::json) AS sla_policies`,
    [input.workspaceId, input.customerId],
    { prepare: true },
  );
  return { traits: read?.traits ?? {}, rules: read?.rules ?? [], slaPolicies: read?.sla_policies ?? [] };
}

/** Routes a new conversation; `facts` when the caller read them already (readRoutingFacts). */
export async function routeConversation(
  tx: Tx,
  input: RoutingInput & { facts?: RoutingFacts },
): Promise<RoutingDecision> {
  const { workspaceId } = input;
  const accounts = await listCustomerAccounts(tx, { workspaceId, customerId: input.customerId });
  const tiers = [...new Set(accounts.map((a) => a.tier))];
  const read = input.facts ?? (await readRoutingFacts(tx, input));
  const rules = read.rules;
  const facts = { ...input, tiers, traits: read.traits };
  let rule: { id: string; actions: RoutingActions } | null = null;
  for (const r of rules) {
    const conditions = RoutingConditions.safeParse(r.conditions);
    const actions = RoutingActions.safeParse(r.actions);
    if (conditions.success && actions.success && matchesConditions(conditions.data, facts)) {
      rule = { id: r.id, actions: actions.data };
      break;
    }
  }
  const base = {
    teamId: rule?.actions.teamId ?? null,
    priority: rule?.actions.priority ?? (tiers.includes('key') ? 'high' : 'normal'),
    labels: rule?.actions.labels ?? [],
    tiers,
    ruleId: rule?.id ?? null,
  } satisfies Partial<RoutingDecision>;

  // A key account's messages go to its account manager first, whenever they take conversations.
  const manager = accounts.find((a) => a.tier === 'key' && a.ownerUserId)?.ownerUserId ?? null;
  if (manager && (await isAvailable(tx, workspaceId, manager)))
    return { ...base, assigneeId: manager, reason: 'key_account' };
  if (rule?.actions.assigneeId) return { ...base, assigneeId: rule.actions.assigneeId, reason: 'rule' };
  if (!input.settings.autoAssign || !isOpenAt(input.settings, input.now))
    return { ...base, assigneeId: null, reason: 'queued' };
  const agent = await pickAgent(tx, {
    workspaceId,
    teamId: base.teamId,
    mode: input.settings.assignment,
    language: input.language,
  });
  return { ...base, assigneeId: agent, reason: agent ? 'auto' : 'queued' };
}

async function isAvailable(tx: Tx, workspaceId: string, userId: string): Promise<boolean> {
  const [row] = await tx.query<{ available: boolean }>(
    `SELECT coalesce(s.available, true) AS available FROM users u
     LEFT JOIN agent_settings s ON s.workspace_id = u.workspace_id AND s.user_id = u.id
     WHERE u.workspace_id = $1 AND u.id = $2`,
    [workspaceId, userId],
  );
  return row?.available ?? false;
}

/**
 * The agent with room for one more conversation: the one assigned longest ago (round-robin), or
 * the one with the most spare capacity (capacity). Agents who list languages get only those.
 * Every agent has a settings row (defaults: a trigger on users writes it, migration 0013); the
 * walk, the locks and the turn recorded are one statement (assign_agent, migration 0014).
 */
export async function pickAgent(
  tx: Tx,
  input: { workspaceId: string; teamId: string | null; mode: DeskSettings['assignment']; language: string },
): Promise<string | null> {
  const [row] = await tx.query<{ id: string | null }>(
    `SELECT assign_agent($1, $2::uuid, $3, $4) AS id`,
    [input.workspaceId, input.teamId, input.language, input.mode === 'capacity'],
    { prepare: true },
  );
  return row?.id ?? null;
}
