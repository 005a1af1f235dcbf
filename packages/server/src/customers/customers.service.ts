// Customer profiles: traits, last activity, look-up by any identifier, the 360 view.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import { isIdentifierType, normalizeIdentifier, type Identifier } from '../core/identifiers.ts';
import type { Database, Tx } from '../db/database.ts';
import type { MergeDecision } from '../identity/resolve-identities.ts';
import type { CustomerScores } from '../insights/insights.schema.ts';
import { readCustomerScores } from '../insights/insights.service.ts';
import { readChurnScore } from '../insights/churn/churn.service.ts';
import type { ChurnScore } from '../insights/retention.schema.ts';
import {
  listCustomerAccounts,
  type AccountKind,
  type AccountTier,
  type CustomerAccount,
} from './accounts.service.ts';

export type Traits = Record<string, unknown>;

export type ProfileTouch = {
  customerId: string;
  at: Date;
  traits: Traits;
  /** The source's priority for each trait (its own, or the workspace's per-trait override). */
  priorityOf: (trait: string) => number;
  source: string | null;
};

/** One trait's change: what `fold_traits` takes (migration 0016). */
type TraitChange = [trait: string, value: unknown, at: string, priority: number, source: string | null];

/**
 * Folds a batch's merges and trait changes into the profiles: merges first, in order, then each
 * profile's changes in event order. Conflicts are settled by the statement that writes the
 * profiles (`fold_profile_traits`, migration 0016), on the rows as they are when it runs: nothing
 * is read here, and on a server the statement goes with the transaction's next round trip.
 */
export async function updateProfiles(
  tx: Tx,
  input: { workspaceId: string; merges: MergeDecision[]; touches: ProfileTouch[] },
): Promise<void> {
  const changes: ({ id: string; from: string } | { id: string; traits: TraitChange[] })[] = input.merges.map(
    (m) => ({ id: m.winnerId, from: m.loserId }),
  );
  const byCustomer = new Map<string, TraitChange[]>();
  for (const touch of input.touches) {
    const at = touch.at.toISOString();
    let traits = byCustomer.get(touch.customerId);
    for (const [trait, value] of Object.entries(touch.traits)) {
      if (value === undefined) continue;
      if (!traits) byCustomer.set(touch.customerId, (traits = []));
      traits.push([trait, value, at, touch.priorityOf(trait), touch.source]);
    }
  }
  for (const [id, traits] of byCustomer) changes.push({ id, traits });
  if (changes.length === 0) return;
  await tx.write('SELECT fold_profile_traits($1, $2::jsonb)', [input.workspaceId, JSON.stringify(changes)]);
}

export type Customer = {
  id: string;
  kind: 'person' | 'organization';
  customerType: 'b2c' | 'b2b' | 'b2g';
  traits: Traits;
  identities: Identifier[];
  accounts: CustomerAccount[];
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
  createdAt: Date;
  /** CLV figures from the workspace's latest fit (`POST /api/insights/clv/fit`), null before one. */
  scores: CustomerScores;
  /** Churn probability from the latest `POST /api/insights/churn/fit`, null before one or for a non-buyer. */
  churn: ChurnScore;
};

export type CustomerOrRedirect = { customer: Customer } | { mergedInto: string };

/** A customer by id; a merged profile answers with the id of the profile that absorbed it. */
export async function getCustomer(
  db: Database,
  input: { workspaceId: string; customerId: string },
): Promise<Result<CustomerOrRedirect, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    // First and last seen come from the timeline index (two index probes), not a write per event.
    const [row] = await tx.query<{
      id: string;
      kind: Customer['kind'];
      traits: Traits;
      merged_into: string | null;
      first_seen_at: Date | null;
      last_seen_at: Date | null;
      created_at: Date;
    }>(
      `SELECT c.id, c.kind, c.traits, c.merged_into, c.created_at,
         (SELECT ts FROM events e WHERE e.workspace_id = c.workspace_id AND e.customer_id = c.id ORDER BY ts ASC LIMIT 1) AS first_seen_at,
         (SELECT ts FROM events e WHERE e.workspace_id = c.workspace_id AND e.customer_id = c.id ORDER BY ts DESC LIMIT 1) AS last_seen_at
       FROM customers c WHERE c.workspace_id = $1 AND c.id = $2`,
      [input.workspaceId, input.customerId],
    );
    if (!row) return err(appError('PSK_CUSTOMER_NOT_FOUND', { field: 'id' }));
    if (row.merged_into) return ok({ mergedInto: row.merged_into });
    const identities = await tx.query<Identifier>(
      'SELECT type, value FROM identities WHERE workspace_id = $1 AND customer_id = $2 ORDER BY type, created_at',
      [input.workspaceId, row.id],
    );
    const accounts = await listCustomerAccounts(tx, { workspaceId: input.workspaceId, customerId: row.id });
    const scores = await readCustomerScores(tx, { workspaceId: input.workspaceId, customerId: row.id });
    const churn = await readChurnScore(tx, { workspaceId: input.workspaceId, customerId: row.id });
    return ok({
      customer: {
        id: row.id,
        kind: row.kind,
        customerType: customerTypeOf(row.traits, accounts),
        traits: row.traits,
        identities,
        accounts,
        firstSeenAt: row.first_seen_at,
        lastSeenAt: row.last_seen_at,
        createdAt: row.created_at,
        scores,
        churn,
      },
    });
  });
}

/** B2B/B2G when the customer says so or belongs to such an account; B2C otherwise. */
function customerTypeOf(
  traits: Traits,
  accounts: readonly Pick<CustomerAccount, 'kind'>[],
): Customer['customerType'] {
  const declared = typeof traits.customerType === 'string' ? traits.customerType.toLowerCase() : '';
  if (declared === 'b2b' || declared === 'b2g' || declared === 'b2c') return declared;
  if (accounts.some((a) => a.kind === 'b2g')) return 'b2g';
  return accounts.length > 0 ? 'b2b' : 'b2c';
}

export type CustomerSegment = { customerType: Customer['customerType']; tier: AccountTier | null };

const TIER_RANK: Record<AccountTier, number> = { small: 1, mid: 2, key: 3 };

/**
 * The type (the profile's `customerType` rule) and highest account tier of many customers in one
 * query, for analyses that break figures down by segment (insights).
 */
export async function listCustomerSegments(
  tx: Tx,
  input: { workspaceId: string; customerIds: readonly string[] },
): Promise<Map<string, CustomerSegment>> {
  if (input.customerIds.length === 0) return new Map();
  const rows = await tx.query<{ id: string; declared: unknown; kinds: AccountKind[]; tiers: AccountTier[] }>(
    `SELECT c.id, c.traits->'customerType' AS declared,
       coalesce(array_agg(a.kind) FILTER (WHERE a.id IS NOT NULL), '{}') AS kinds,
       coalesce(array_agg(a.tier) FILTER (WHERE a.id IS NOT NULL), '{}') AS tiers
     FROM customers c
     LEFT JOIN account_members m ON m.workspace_id = c.workspace_id AND m.customer_id = c.id
     LEFT JOIN accounts a ON a.workspace_id = m.workspace_id AND a.id = m.account_id
     WHERE c.workspace_id = $1 AND c.id = ANY($2::uuid[])
     GROUP BY c.workspace_id, c.id`,
    [input.workspaceId, input.customerIds],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        customerType: customerTypeOf(
          { customerType: r.declared },
          r.kinds.map((kind) => ({ kind })),
        ),
        tier: r.tiers.reduce<AccountTier | null>(
          (best, t) => (best === null || TIER_RANK[t] > TIER_RANK[best] ? t : best),
          null,
        ),
      },
    ]),
  );
}

export async function lookupCustomer(
  db: Database,
  input: { workspaceId: string; type: string; value: string },
): Promise<Result<Customer, AppError>> {
  if (!isIdentifierType(input.type))
    return err(
      appError('PSK_IDENTIFIER_INVALID', {
        field: 'type',
        message: `Unknown identifier type "${input.type}" (field: type)`,
      }),
    );
  const value = normalizeIdentifier(input.type, input.value);
  if (!value)
    return err(
      appError('PSK_IDENTIFIER_INVALID', {
        field: 'value',
        message: `"${input.value}" is not a valid ${input.type} (field: value)`,
      }),
    );
  const [row] = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{ customer_id: string }>(
      'SELECT customer_id FROM identities WHERE workspace_id = $1 AND type = $2 AND value = $3',
      [input.workspaceId, input.type, value],
    ),
  );
  if (!row)
    return err(appError('PSK_CUSTOMER_NOT_FOUND', { message: `No customer has ${input.type} ${value}` }));
  const found = await getCustomer(db, { workspaceId: input.workspaceId, customerId: row.customer_id });
  return found.andThen((r) => ('customer' in r ? ok(r.customer) : err(appError('PSK_CUSTOMER_NOT_FOUND'))));
}
