// Accounts (B2B and B2G organisations) with a tier and an account manager, and the people in
// them with their buying-committee roles.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database, Tx } from '../db/database.ts';
import type { Traits } from './customers.service.ts';

export const ACCOUNT_TIERS = ['small', 'mid', 'key'] as const;
export const ACCOUNT_KINDS = ['b2b', 'b2g'] as const;
export const MEMBER_ROLES = [
  'owner',
  'economic_buyer',
  'user',
  'operator',
  'champion',
  'decision_maker',
  'influencer',
  'billing',
] as const;
export type AccountTier = (typeof ACCOUNT_TIERS)[number];
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export type MemberRole = (typeof MEMBER_ROLES)[number];

export type Account = {
  id: string;
  groupId: string;
  name: string | null;
  kind: AccountKind;
  tier: AccountTier;
  ownerUserId: string | null;
  traits: Traits;
};
export type CustomerAccount = Account & { roles: string[] };

type AccountRow = {
  id: string;
  group_id: string;
  name: string | null;
  kind: AccountKind;
  tier: AccountTier;
  owner_user_id: string | null;
  traits: Traits;
};
const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  groupId: r.group_id,
  name: r.name,
  kind: r.kind,
  tier: r.tier,
  ownerUserId: r.owner_user_id,
  traits: r.traits,
});

const pick = <T extends string>(allowed: readonly T[], value: unknown): T | null =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value.toLowerCase())
    ? (value.toLowerCase() as T)
    : null;

/** A Segment `group` call: the account exists (its traits updated) and the customer is a member. */
export async function applyGroupCall(
  tx: Tx,
  input: {
    workspaceId: string;
    customerId: string;
    group: { groupId: string; traits: Traits; roles: string[] };
  },
): Promise<void> {
  const { traits } = input.group;
  const [account] = await tx.query<{ id: string }>(
    `INSERT INTO accounts (workspace_id, id, group_id, name, kind, tier, traits) VALUES ($1, $2, $3, $4, coalesce($5, 'b2b'), coalesce($6, 'small'), $7)
     ON CONFLICT (workspace_id, group_id) DO UPDATE SET
       name = coalesce(EXCLUDED.name, accounts.name),
       kind = coalesce($5, accounts.kind),
       tier = coalesce($6, accounts.tier),
       traits = accounts.traits || EXCLUDED.traits,
       updated_at = now()
     RETURNING id`,
    [
      input.workspaceId,
      uuidv7(),
      input.group.groupId,
      typeof traits.name === 'string' ? traits.name : null,
      pick(ACCOUNT_KINDS, traits.kind),
      pick(ACCOUNT_TIERS, traits.tier),
      JSON.stringify(traits),
    ],
  );
  const roles = input.group.roles
    .map((r) => pick(MEMBER_ROLES, r))
    .filter((r): r is MemberRole => r !== null);
  await tx.query(
    `INSERT INTO account_members (workspace_id, account_id, customer_id, roles) VALUES ($1, $2, $3, $4::text[])
     ON CONFLICT (workspace_id, account_id, customer_id) DO UPDATE SET
       roles = ARRAY(SELECT DISTINCT unnest(account_members.roles || EXCLUDED.roles))`,
    [input.workspaceId, account!.id, input.customerId, roles],
  );
}

export async function listCustomerAccounts(
  tx: Tx,
  input: { workspaceId: string; customerId: string },
): Promise<CustomerAccount[]> {
  const rows = await tx.query<AccountRow & { roles: string[] }>(
    `SELECT a.id, a.group_id, a.name, a.kind, a.tier, a.owner_user_id, a.traits, m.roles FROM account_members m
     JOIN accounts a ON a.workspace_id = m.workspace_id AND a.id = m.account_id
     WHERE m.workspace_id = $1 AND m.customer_id = $2 ORDER BY a.name`,
    [input.workspaceId, input.customerId],
    // read for every new conversation (routing)
    { prepare: true },
  );
  return rows.map((r) => ({ ...toAccount(r), roles: [...r.roles].sort() }));
}

export type AccountWithMembers = Account & { members: { customerId: string; roles: string[] }[] };

export async function upsertAccount(
  db: Database,
  input: {
    workspaceId: string;
    groupId: string;
    name?: string;
    kind?: AccountKind;
    tier?: AccountTier;
    ownerUserId?: string | null;
    traits?: Traits;
  },
): Promise<Result<AccountWithMembers, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    if (input.ownerUserId) {
      const [owner] = await tx.query('SELECT 1 FROM users WHERE workspace_id = $1 AND id = $2', [
        input.workspaceId,
        input.ownerUserId,
      ]);
      if (!owner) return err(appError('PSK_USER_NOT_FOUND', { field: 'ownerUserId' }));
    }
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO accounts (workspace_id, id, group_id, name, kind, tier, owner_user_id, traits)
       VALUES ($1, $2, $3, $4, coalesce($5, 'b2b'), coalesce($6, 'small'), $7, $8)
       ON CONFLICT (workspace_id, group_id) DO UPDATE SET
         name = coalesce($4, accounts.name), kind = coalesce($5, accounts.kind), tier = coalesce($6, accounts.tier),
         owner_user_id = CASE WHEN $9 THEN $7 ELSE accounts.owner_user_id END,
         traits = accounts.traits || EXCLUDED.traits, updated_at = now()
       RETURNING id`,
      [
        input.workspaceId,
        uuidv7(),
        input.groupId,
        input.name ?? null,
        input.kind ?? null,
        input.tier ?? null,
        input.ownerUserId ?? null,
        JSON.stringify(input.traits ?? {}),
        input.ownerUserId !== undefined,
      ],
    );
    return ok(await readAccount(tx, input.workspaceId, row!.id));
  });
}

export async function setMemberRoles(
  db: Database,
  input: { workspaceId: string; accountId: string; customerId: string; roles: MemberRole[] },
): Promise<Result<AccountWithMembers, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    const [account] = await tx.query('SELECT 1 FROM accounts WHERE workspace_id = $1 AND id = $2', [
      input.workspaceId,
      input.accountId,
    ]);
    if (!account) return err(appError('PSK_ACCOUNT_NOT_FOUND', { field: 'accountId' }));
    const [customer] = await tx.query(
      'SELECT 1 FROM customers WHERE workspace_id = $1 AND id = $2 AND merged_into IS NULL',
      [input.workspaceId, input.customerId],
    );
    if (!customer) return err(appError('PSK_CUSTOMER_NOT_FOUND', { field: 'customerId' }));
    await tx.query(
      `INSERT INTO account_members (workspace_id, account_id, customer_id, roles) VALUES ($1, $2, $3, $4::text[])
       ON CONFLICT (workspace_id, account_id, customer_id) DO UPDATE SET roles = EXCLUDED.roles`,
      [input.workspaceId, input.accountId, input.customerId, input.roles],
    );
    return ok(await readAccount(tx, input.workspaceId, input.accountId));
  });
}

export async function getAccount(
  db: Database,
  input: { workspaceId: string; accountId: string },
): Promise<Result<AccountWithMembers, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    const [exists] = await tx.query('SELECT 1 FROM accounts WHERE workspace_id = $1 AND id = $2', [
      input.workspaceId,
      input.accountId,
    ]);
    if (!exists) return err(appError('PSK_ACCOUNT_NOT_FOUND', { field: 'id' }));
    return ok(await readAccount(tx, input.workspaceId, input.accountId));
  });
}

async function readAccount(tx: Tx, workspaceId: string, accountId: string): Promise<AccountWithMembers> {
  const [row] = await tx.query<AccountRow>(
    'SELECT id, group_id, name, kind, tier, owner_user_id, traits FROM accounts WHERE workspace_id = $1 AND id = $2',
    [workspaceId, accountId],
  );
  const members = await tx.query<{ customer_id: string; roles: string[] }>(
    'SELECT customer_id, roles FROM account_members WHERE workspace_id = $1 AND account_id = $2 ORDER BY created_at',
    [workspaceId, accountId],
  );
  return { ...toAccount(row!), members: members.map((m) => ({ customerId: m.customer_id, roles: m.roles })) };
}
