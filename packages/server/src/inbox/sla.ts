// SLA policies: first response, next response and resolution targets, counted in business hours
// (or around the clock), with a warning before the due time, and at breach an escalation
// (another team, a supervisor told, priority raised to urgent).
import { z } from 'zod';
import { ACCOUNT_TIERS } from '../customers/accounts.service.ts';
import type { Database, Tx } from '../db/database.ts';
import { appendFeed, type FeedItem } from '../realtime/feed.ts';
import { addBusinessMinutes } from './business-hours.ts';
import type { DeskSettings } from './desk-settings.ts';
import { notify } from './notifications.ts';
import { PRIORITIES } from './routing.ts';

export const SlaConditions = z.object({
  priorities: z.array(z.enum(PRIORITIES)).max(4).optional(),
  channels: z.array(z.string().max(40)).max(20).optional(),
  tiers: z.array(z.enum(ACCOUNT_TIERS)).max(3).optional(),
  inboxIds: z.array(z.string().uuid()).max(50).optional(),
});
export type SlaConditions = z.infer<typeof SlaConditions>;

export type SlaPolicyRow = {
  id: string;
  conditions: SlaConditions;
  first_response_minutes: number | null;
  next_response_minutes: number | null;
  resolution_minutes: number | null;
  warn_before_minutes: number;
  business_hours: boolean;
  escalate_team_id: string | null;
  escalate_user_id: string | null;
};

const dueAfter = (
  settings: DeskSettings,
  policy: SlaPolicyRow,
  from: Date,
  minutes: number | null,
): Date | null =>
  minutes === null
    ? null
    : policy.business_hours
      ? addBusinessMinutes(settings, from, minutes)
      : new Date(from.getTime() + minutes * 60_000);

export type SlaStart = { policyId: string; firstResponseDue: Date | null; resolutionDue: Date | null };

type SlaFacts = {
  workspaceId: string;
  /** The policies, when the caller read them already (routing's readRoutingFacts). */
  policies?: SlaPolicyRow[];
  priority: string;
  channel: string;
  inboxId: string;
  tiers: string[];
  settings: DeskSettings;
  startedAt: Date;
};

/**
 * The first policy that matches a new conversation and its due times, or null: read before the
 * conversation is inserted, so the insert carries them (no second write of the new row).
 */
export async function slaForNewConversation(tx: Tx, input: SlaFacts): Promise<SlaStart | null> {
  const policies =
    input.policies ??
    (await tx.query<SlaPolicyRow>(
      `SELECT * FROM sla_policies WHERE workspace_id = $1 ORDER BY position, created_at`,
      [input.workspaceId],
      { prepare: true },
    ));
  const policy = policies.find((p) => {
    const c = SlaConditions.safeParse(p.conditions);
    if (!c.success) return false;
    const { priorities, channels, tiers, inboxIds } = c.data;
    return (
      (!priorities?.length || priorities.includes(input.priority as (typeof PRIORITIES)[number])) &&
      (!channels?.length || channels.includes(input.channel)) &&
      (!inboxIds?.length || inboxIds.includes(input.inboxId)) &&
      (!tiers?.length || tiers.some((t) => input.tiers.includes(t)))
    );
  });
  if (!policy) return null;
  return {
    policyId: policy.id,
    firstResponseDue: dueAfter(input.settings, policy, input.startedAt, policy.first_response_minutes),
    resolutionDue: dueAfter(input.settings, policy, input.startedAt, policy.resolution_minutes),
  };
}

/** The customer wrote again after an agent's reply: the next-response clock starts. */
export async function startNextResponseClock(
  tx: Tx,
  input: { workspaceId: string; conversationId: string; policyId: string; settings: DeskSettings; at: Date },
): Promise<void> {
  const [policy] = await tx.query<SlaPolicyRow>(
    `SELECT * FROM sla_policies WHERE workspace_id = $1 AND id = $2`,
    [input.workspaceId, input.policyId],
  );
  if (!policy?.next_response_minutes) return;
  await tx.query(
    `UPDATE conversations SET sla_next_response_due = $3 WHERE workspace_id = $1 AND id = $2 AND sla_next_response_due IS NULL`,
    [
      input.workspaceId,
      input.conversationId,
      dueAfter(input.settings, policy, input.at, policy.next_response_minutes),
    ],
  );
}

type Clock = 'first_response' | 'next_response' | 'resolution';

type DueRow = {
  workspace_id: string;
  id: string;
  assignee_id: string | null;
  team_id: string | null;
  first_response_at: Date | null;
  sla_first_response_due: Date | null;
  sla_next_response_due: Date | null;
  sla_resolution_due: Date | null;
  sla_warned: string[];
  sla_breached: string[];
  warn_before_minutes: number;
  escalate_team_id: string | null;
  escalate_user_id: string | null;
};

/**
 * One sweep over every workspace's running clocks: warns once per clock before its due time,
 * and at breach records it, escalates and tells the assignee (or the whole queue).
 */
export async function checkSlaClocks(db: Database, now: Date): Promise<FeedItem[]> {
  const due = await db.asSystem((tx) =>
    tx.query<DueRow>(
      `SELECT c.workspace_id, c.id, c.assignee_id, c.team_id, c.first_response_at, c.sla_first_response_due,
         c.sla_next_response_due, c.sla_resolution_due, c.sla_warned, c.sla_breached,
         p.warn_before_minutes, p.escalate_team_id, p.escalate_user_id
       FROM conversations c JOIN sla_policies p ON p.workspace_id = c.workspace_id AND p.id = c.sla_policy_id
       WHERE c.resolved_at IS NULL AND c.merged_into IS NULL
         AND least(CASE WHEN c.first_response_at IS NULL THEN c.sla_first_response_due END,
                   c.sla_next_response_due, c.sla_resolution_due) <= $1::timestamptz + make_interval(mins => p.warn_before_minutes)
       LIMIT 1000`,
      [now],
    ),
  );
  const items: FeedItem[] = [];
  for (const row of due) {
    const clocks: [Clock, Date | null][] = [
      ['first_response', row.first_response_at ? null : row.sla_first_response_due],
      ['next_response', row.sla_next_response_due],
      ['resolution', row.sla_resolution_due],
    ];
    const warned = new Set(row.sla_warned);
    const breached = new Set(row.sla_breached);
    const found: { clock: Clock; key: string; breach: boolean; due: Date }[] = [];
    for (const [clock, at] of clocks) {
      if (!at) continue;
      // A next-response clock runs many times in one conversation: each due time is its own.
      const key = clock === 'next_response' ? `${clock}@${new Date(at).toISOString()}` : clock;
      if (now.getTime() >= new Date(at).getTime() && !breached.has(key))
        found.push({ clock, key, breach: true, due: at });
      else if (!warned.has(key) && !breached.has(key)) found.push({ clock, key, breach: false, due: at });
    }
    if (found.length === 0) continue;
    const produced = await db.inWorkspace(row.workspace_id, async (tx) => {
      const out: FeedItem[] = [];
      for (const f of found) {
        const column = f.breach ? 'sla_breached' : 'sla_warned';
        await tx.query(
          `UPDATE conversations SET ${column} = array_append(${column}, $3), updated_at = now() WHERE workspace_id = $1 AND id = $2`,
          [row.workspace_id, row.id, f.key],
        );
        const payload = { conversationId: row.id, clock: f.clock, due: new Date(f.due).toISOString() };
        out.push(
          await appendFeed(tx, {
            workspaceId: row.workspace_id,
            userId: row.assignee_id,
            type: f.breach ? 'sla.breached' : 'sla.warning',
            payload,
          }),
        );
        const text = f.breach
          ? `SLA breached (${f.clock.replace('_', ' ')}) on conversation ${row.id}`
          : `SLA due soon (${f.clock.replace('_', ' ')}) on conversation ${row.id}`;
        if (row.assignee_id)
          out.push(
            await notify(tx, {
              workspaceId: row.workspace_id,
              userId: row.assignee_id,
              kind: f.breach ? 'sla_breach' : 'sla_warning',
              body: text,
              conversationId: row.id,
            }),
          );
        if (!f.breach) continue;
        await tx.query(
          `UPDATE conversations SET priority = 'urgent', team_id = coalesce($3, team_id) WHERE workspace_id = $1 AND id = $2`,
          [row.workspace_id, row.id, row.escalate_team_id],
        );
        if (row.escalate_user_id && row.escalate_user_id !== row.assignee_id)
          out.push(
            await notify(tx, {
              workspaceId: row.workspace_id,
              userId: row.escalate_user_id,
              kind: 'sla_breach',
              body: `Escalated: ${text}`,
              conversationId: row.id,
            }),
          );
      }
      return out;
    });
    items.push(...produced);
  }
  return items;
}
