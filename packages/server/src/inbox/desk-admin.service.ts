// Configuring the desk: teams and their members, agents' capacity and availability, routing
// rules, SLA policies, custom statuses, settings (hours, holidays, surveys).
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database } from '../db/database.ts';
import {
  DeskSettings,
  forgetDeskSettings,
  readDeskSettings,
  updateDeskSettings,
  type DeskSettingsPatch,
} from './desk-settings.ts';
import type { RoutingActions, RoutingConditions } from './routing.ts';
import type { SlaConditions } from './sla.ts';

export type Team = { id: string; name: string; department: string; members: string[] };

export async function createTeam(
  db: Database,
  input: { workspaceId: string; name: string; department: string; members: string[] },
): Promise<Result<Team, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    const known = await tx.query<{ id: string }>(
      `SELECT id FROM users WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
      [input.workspaceId, input.members],
    );
    const missing = input.members.find((m) => !known.some((k) => k.id === m));
    if (missing)
      return err(
        appError('PSK_USER_NOT_FOUND', {
          field: 'members',
          message: `members: no user ${missing} (field: members)`,
        }),
      );
    const id = uuidv7();
    await tx.query(`INSERT INTO teams (workspace_id, id, name, department) VALUES ($1, $2, $3, $4)`, [
      input.workspaceId,
      id,
      input.name,
      input.department,
    ]);
    for (const userId of input.members)
      await tx.query(
        `INSERT INTO team_members (workspace_id, team_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [input.workspaceId, id, userId],
      );
    return ok({ id, name: input.name, department: input.department, members: input.members });
  });
}

export async function listTeams(db: Database, input: { workspaceId: string }): Promise<Team[]> {
  const rows = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{ id: string; name: string; department: string; members: string[] }>(
      `SELECT t.id, t.name, t.department,
         ARRAY(SELECT user_id::text FROM team_members m WHERE m.workspace_id = t.workspace_id AND m.team_id = t.id ORDER BY user_id) AS members
       FROM teams t WHERE t.workspace_id = $1 ORDER BY t.name`,
      [input.workspaceId],
    ),
  );
  return rows;
}

export type AgentSettings = {
  userId: string;
  capacity: number;
  available: boolean;
  languages: string[];
  extension: string | null;
};

export async function setAgentSettings(
  db: Database,
  input: {
    workspaceId: string;
    userId: string;
    capacity?: number;
    available?: boolean;
    languages?: string[];
    extension?: string | null;
  },
): Promise<Result<AgentSettings, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    const [user] = await tx.query(`SELECT 1 FROM users WHERE workspace_id = $1 AND id = $2`, [
      input.workspaceId,
      input.userId,
    ]);
    if (!user) return err(appError('PSK_USER_NOT_FOUND', { field: 'userId' }));
    const [row] = await tx.query<{
      capacity: number;
      available: boolean;
      languages: string[];
      extension: string | null;
    }>(
      `INSERT INTO agent_settings (workspace_id, user_id, capacity, available, languages, extension)
       VALUES ($1, $2, coalesce($3, 10), coalesce($4, true), coalesce($5, '{}'::text[]), $6)
       ON CONFLICT (workspace_id, user_id) DO UPDATE SET
         capacity = coalesce($3, agent_settings.capacity), available = coalesce($4, agent_settings.available),
         languages = coalesce($5, agent_settings.languages),
         extension = CASE WHEN $7::boolean THEN $6 ELSE agent_settings.extension END
       RETURNING capacity, available, languages, extension`,
      [
        input.workspaceId,
        input.userId,
        input.capacity ?? null,
        input.available ?? null,
        input.languages ?? null,
        input.extension ?? null,
        input.extension !== undefined,
      ],
    );
    return ok({ userId: input.userId, ...row! });
  });
}

export type RoutingRule = {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: RoutingConditions;
  actions: RoutingActions;
};

export async function createRoutingRule(
  db: Database,
  input: { workspaceId: string } & Omit<RoutingRule, 'id'>,
): Promise<RoutingRule> {
  const id = uuidv7();
  await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query(
      `INSERT INTO routing_rules (workspace_id, id, name, position, enabled, conditions, actions) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        input.workspaceId,
        id,
        input.name,
        input.position,
        input.enabled,
        JSON.stringify(input.conditions),
        JSON.stringify(input.actions),
      ],
    ),
  );
  const { workspaceId: _w, ...rule } = input;
  return { id, ...rule };
}

export async function listRoutingRules(db: Database, input: { workspaceId: string }): Promise<RoutingRule[]> {
  return db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<RoutingRule>(
      `SELECT id, name, position, enabled, conditions, actions FROM routing_rules WHERE workspace_id = $1 ORDER BY position, created_at`,
      [input.workspaceId],
    ),
  );
}

export type SlaPolicy = {
  id: string;
  name: string;
  position: number;
  conditions: SlaConditions;
  firstResponseMinutes: number | null;
  nextResponseMinutes: number | null;
  resolutionMinutes: number | null;
  warnBeforeMinutes: number;
  businessHours: boolean;
  escalateTeamId: string | null;
  escalateUserId: string | null;
};

export async function createSlaPolicy(
  db: Database,
  input: { workspaceId: string } & Omit<SlaPolicy, 'id'>,
): Promise<SlaPolicy> {
  const id = uuidv7();
  await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query(
      `INSERT INTO sla_policies (workspace_id, id, name, position, conditions, first_response_minutes, next_response_minutes,
         resolution_minutes, warn_before_minutes, business_hours, escalate_team_id, escalate_user_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        input.workspaceId,
        id,
        input.name,
        input.position,
        JSON.stringify(input.conditions),
        input.firstResponseMinutes,
        input.nextResponseMinutes,
        input.resolutionMinutes,
        input.warnBeforeMinutes,
        input.businessHours,
        input.escalateTeamId,
        input.escalateUserId,
      ],
    ),
  );
  const { workspaceId: _w, ...policy } = input;
  return { id, ...policy };
}

export async function listSlaPolicies(db: Database, input: { workspaceId: string }): Promise<SlaPolicy[]> {
  const rows = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<Record<string, unknown>>(
      `SELECT * FROM sla_policies WHERE workspace_id = $1 ORDER BY position, created_at`,
      [input.workspaceId],
    ),
  );
  return rows.map((r) => ({
    id: r.id as string,
    name: r.name as string,
    position: r.position as number,
    conditions: r.conditions as SlaConditions,
    firstResponseMinutes: r.first_response_minutes as number | null,
    nextResponseMinutes: r.next_response_minutes as number | null,
    resolutionMinutes: r.resolution_minutes as number | null,
    warnBeforeMinutes: r.warn_before_minutes as number,
    businessHours: r.business_hours as boolean,
    escalateTeamId: r.escalate_team_id as string | null,
    escalateUserId: r.escalate_user_id as string | null,
  }));
}

export type CustomStatus = {
  key: string;
  label: string;
  category: 'open' | 'pending' | 'snoozed' | 'resolved';
};

export async function putCustomStatus(
  db: Database,
  input: { workspaceId: string } & CustomStatus,
): Promise<CustomStatus> {
  await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query(
      `INSERT INTO custom_statuses (workspace_id, key, label, category) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id, key) DO UPDATE SET label = EXCLUDED.label, category = EXCLUDED.category`,
      [input.workspaceId, input.key, input.label, input.category],
    ),
  );
  return { key: input.key, label: input.label, category: input.category };
}

export async function listCustomStatuses(
  db: Database,
  input: { workspaceId: string },
): Promise<CustomStatus[]> {
  return db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<CustomStatus>(
      `SELECT key, label, category FROM custom_statuses WHERE workspace_id = $1 ORDER BY key`,
      [input.workspaceId],
    ),
  );
}

export async function getSettings(db: Database, input: { workspaceId: string }): Promise<DeskSettings> {
  return db.inWorkspace(input.workspaceId, (tx) => readDeskSettings(tx, input));
}

export async function patchSettings(
  db: Database,
  input: { workspaceId: string; patch: DeskSettingsPatch },
): Promise<DeskSettings> {
  const settings = await db.inWorkspace(input.workspaceId, (tx) => updateDeskSettings(tx, input));
  forgetDeskSettings(input.workspaceId);
  return settings;
}

export { DeskSettings };
