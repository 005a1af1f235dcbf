// Identity resolution against the database: one query finds every identifier of a batch, the
// algorithm in resolve-identities.ts decides, and the decisions are written in the same
// transaction as the events.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import { keyOf, type Identifier, type IdentifierType } from '../core/identifiers.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database, Row, Statement, Tx } from '../db/database.ts';
import { compileRules, IdentityRules, type CompiledRules } from './identity-rules.ts';
import type { KnownIdentifiers } from './known-identifiers.ts';
import { resolveIdentities, type KnownProfile, type Resolution } from './resolve-identities.ts';

export { IdentityRules };

export async function getIdentityRules(db: Database, input: { workspaceId: string }): Promise<IdentityRules> {
  const [row] = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{ identity_rules: unknown }>('SELECT identity_rules FROM workspaces WHERE id = $1', [
      input.workspaceId,
    ]),
  );
  return IdentityRules.parse(row?.identity_rules ?? {});
}

export async function setIdentityRules(
  db: Database,
  input: { workspaceId: string; rules: IdentityRules },
): Promise<IdentityRules> {
  await db.inWorkspace(input.workspaceId, (tx) =>
    // The rules are kept with the identifiers ingest knows: they are read again under a new epoch.
    tx.query('UPDATE workspaces SET identity_rules = $2, identity_epoch = identity_epoch + 1 WHERE id = $1', [
      input.workspaceId,
      JSON.stringify(input.rules),
    ]),
  );
  return input.rules;
}

/** Resolves a batch's events to customers and writes new customers, identities and merges. */
export async function resolveBatch(
  tx: Tx,
  input: {
    workspaceId: string;
    events: { messageId: string; identifiers: Identifier[] }[];
    /** The stored customers of (at least) the events' identifiers, from `lookUpOwners`. */
    owners: Owners;
  },
): Promise<{ resolution: Resolution; rules: CompiledRules }> {
  const { workspaceId, events } = input;
  const { rules, owner } = input.owners;
  const { settled, changing } = settleKnownEvents(events, owner, rules);
  const open = events.filter((_, i) => settled[i] === undefined);
  const decided = resolveIdentities({
    known: await profilesOf(tx, workspaceId, changing),
    events: open,
    rules,
    newId: () => uuidv7(),
  });
  // The algorithm's answers for the open events, in order, between the settled ones.
  let next = 0;
  const resolution: Resolution = { ...decided, originIds: [], customerIds: [] };
  for (const customerId of settled) {
    const at = customerId === undefined ? next++ : -1;
    resolution.originIds.push(customerId ?? decided.originIds[at]!);
    resolution.customerIds.push(customerId ?? decided.customerIds[at]!);
  }
  await persistResolution(tx, workspaceId, resolution);
  return { resolution, rules };
}

/**
 * The batch's customers from what this process knows alone, when that suffices: every identifier
 * of every event known, no event adding an identifier to its profile or joining two. With the
 * statement that asserts, under the workspace's identity lock, that what it knows still holds:
 * else the transaction fails as a serialization failure (40001) and must be written again by
 * `resolveBatch`. Null when the batch needs the database.
 */
export function resolveFromMemory(
  workspaceId: string,
  events: { identifiers: Identifier[] }[],
  known: KnownIdentifiers | undefined,
): { resolution: Resolution; rules: CompiledRules; assertion: Statement } | null {
  const kept = known?.of(workspaceId);
  if (!kept) return null;
  const { settled, changing } = settleKnownEvents(events, kept.customers, kept.rules);
  if (changing.size > 0 || settled.includes(undefined)) return null;
  const customerIds = settled as string[];
  return {
    resolution: {
      originIds: customerIds,
      customerIds,
      newCustomerIds: [],
      newIdentities: [],
      merges: [],
      blockedMerges: [],
    },
    rules: kept.rules,
    assertion: { text: 'SELECT assert_identity_epoch($1, $2)', params: [workspaceId, kept.epoch] },
  };
}

/** The workspace's rules and the stored customer of each identifier (by `keyOf`). */
export type Owners = { rules: CompiledRules; owner: Map<string, string> };

/**
 * The look-up of a batch's identifiers' customers, as a statement and what reads its rows, so that
 * the caller can send it in one round trip with others (ingest sends it with the transaction's
 * opening and the repeat check). Most events repeat identifiers their profile already has: for
 * those the customer this process already knows suffices, and the others take one index look-up
 * each. Run it in the transaction that holds the workspace's identity lock.
 */
export function lookUpOwners(
  workspaceId: string,
  events: { identifiers: Identifier[] }[],
  known: KnownIdentifiers | undefined,
): {
  statement: Statement;
  read(tx: Tx, rows: Row[]): Promise<Owners>;
} {
  const byKey = new Map<string, Identifier>();
  for (const event of events) for (const i of event.identifiers) byKey.set(keyOf(i), i);
  const kept = known?.of(workspaceId);
  const owner = new Map<string, string>();
  const unknown: [string, Identifier][] = [];
  for (const entry of byKey) {
    const customerId = kept?.customers.get(entry[0]);
    if (customerId === undefined) unknown.push(entry);
    else owner.set(entry[0], customerId);
  }
  return {
    statement: probeIdentifiers(workspaceId, unknown),
    async read(tx, rows) {
      const probed = readProbe(rows, unknown);
      let found = probed.found;
      if (kept && kept.epoch !== probed.epoch && owner.size > 0) {
        // A merge, here or in another process, since they were read: they may belong elsewhere now.
        const again = [...owner.keys()].map((key): [string, Identifier] => [key, byKey.get(key)!]);
        const { text, params } = probeIdentifiers(workspaceId, again);
        owner.clear();
        found = found.concat(readProbe(await tx.query(text, params), again).found);
      }
      known?.remember(workspaceId, probed, found);
      for (const [key, customerId] of found) owner.set(key, customerId);
      return { rules: probed.rules, owner };
    },
  };
}

/**
 * Events whose every identifier belongs to one stored profile that no other event of the batch
 * changes go to that profile, without the algorithm: in a steady stream that is nearly every
 * event. A profile changes when an event of it has an unknown identifier or one of another profile.
 * `settled` has each event's profile, or undefined for the algorithm; `changing`, the profiles it
 * must know in full (the guards count their identifiers).
 */
function settleKnownEvents(
  events: { identifiers: Identifier[] }[],
  owner: ReadonlyMap<string, string>,
  rules: CompiledRules,
): { settled: (string | undefined)[]; changing: Set<string> } {
  const settled: (string | undefined)[] = [];
  const changing = new Set<string>();
  // Loops without sets or arrays per event: this runs for every event of every batch.
  for (const event of events) {
    let first: string | undefined;
    let changes = false;
    for (const i of event.identifiers) {
      if (rules.isBlocked(i)) continue;
      const o = owner.get(keyOf(i));
      if (o === undefined || (first !== undefined && o !== first)) changes = true;
      first ??= o;
    }
    settled.push(changes ? undefined : first);
    if (!changes) continue;
    for (const i of event.identifiers) {
      const o = rules.isBlocked(i) ? undefined : owner.get(keyOf(i));
      if (o) changing.add(o);
    }
  }
  for (let n = 0; n < settled.length; n++) if (changing.has(settled[n]!)) settled[n] = undefined;
  return { settled, changing };
}

/** Every identifier of each profile. */
async function profilesOf(tx: Tx, workspaceId: string, customerIds: Set<string>): Promise<KnownProfile[]> {
  if (customerIds.size === 0) return [];
  const rows = await tx.query<{ customer_id: string; type: IdentifierType; value: string }>(
    `SELECT i.customer_id, i.type, i.value FROM unnest($2::uuid[]) AS c(id)
     CROSS JOIN LATERAL (SELECT customer_id, type, value FROM identities WHERE workspace_id = $1 AND customer_id = c.id) i`,
    [workspaceId, [...customerIds]],
  );
  const byCustomer = new Map<string, Identifier[]>();
  for (const row of rows) {
    const list = byCustomer.get(row.customer_id) ?? [];
    list.push({ type: row.type, value: row.value });
    byCustomer.set(row.customer_id, list);
  }
  return [...byCustomer].map(([customerId, identifiers]) => ({ customerId, identifiers }));
}

const WORKSPACE_RULES = `SELECT NULL::int AS n, NULL::uuid AS customer_id, identity_rules, identity_epoch FROM workspaces WHERE id = $1`;

/**
 * The statement that finds the customers of identifiers (keyed by `keyOf`) that are stored, with
 * the workspace's rules and identity epoch: the rules in one row (n is null), then one row per
 * identifier found, numbered as asked (rows of the rules or of the identifier itself would be
 * parsed again per row). LATERAL … LIMIT 1 makes each a primary-key probe whatever the table's
 * statistics say (a fast-growing table's stale statistics chose a full scan).
 */
function probeIdentifiers(
  workspaceId: string,
  identifiers: [key: string, identifier: Identifier][],
): Statement {
  // With every identifier known (a steady stream), only the rules: the server plans the UNION with
  // its lateral probe on every call, ~0.1 ms a transaction more (docs/benchmarks.md, twelfth session).
  if (identifiers.length === 0) return { text: WORKSPACE_RULES, params: [workspaceId] };
  return {
    text: `${WORKSPACE_RULES}
     UNION ALL
     SELECT q.n::int, m.customer_id, NULL, NULL FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS q(type, value, n)
     CROSS JOIN LATERAL (
       SELECT i.customer_id FROM identities i
       WHERE i.workspace_id = $1 AND i.type = q.type AND i.value = q.value LIMIT 1
     ) m`,
    params: [workspaceId, identifiers.map(([, i]) => i.type), identifiers.map(([, i]) => i.value)],
  };
}

function readProbe(
  rows: Row[],
  identifiers: [key: string, identifier: Identifier][],
): { rules: CompiledRules; epoch: number; found: [key: string, customerId: string][] } {
  const probed = rows as {
    n: number | null;
    customer_id: string | null;
    identity_rules: unknown;
    identity_epoch: number | null;
  }[];
  const head = probed.find((r) => r.n === null);
  const found: [string, string][] = [];
  for (const row of probed) {
    if (row.n !== null && row.customer_id !== null) found.push([identifiers[row.n - 1]![0], row.customer_id]);
  }
  return {
    rules: compileRules(IdentityRules.parse(head?.identity_rules ?? {})),
    epoch: head?.identity_epoch ?? 0,
    found,
  };
}

async function persistResolution(tx: Tx, workspaceId: string, resolution: Resolution): Promise<void> {
  if (resolution.newCustomerIds.length > 0) {
    await tx.appendRows(
      'customers',
      ['workspace_id', 'id'],
      resolution.newCustomerIds.map((id) => [workspaceId, id]),
    );
  }
  if (resolution.newIdentities.length > 0) {
    await tx.appendRows(
      'identities',
      ['workspace_id', 'type', 'value', 'customer_id', 'first_message_id'],
      resolution.newIdentities.map((n) => [
        workspaceId,
        n.identifier.type,
        n.identifier.value,
        n.customerId,
        n.messageId,
      ]),
    );
  }
  // A merge moves the loser's events: those of ingest transactions still committing must be seen.
  if (resolution.merges.length === 0) return;
  await tx.awaitReleased();
  for (const merge of resolution.merges) {
    await recordMerge(tx, workspaceId, merge);
  }
  await moveIdentityEpoch(tx, workspaceId);
}

/** Identifiers changed customer: every process forgets what it knew of the workspace's (known-identifiers.ts). */
async function moveIdentityEpoch(tx: Tx, workspaceId: string): Promise<void> {
  await tx.query('UPDATE workspaces SET identity_epoch = identity_epoch + 1 WHERE id = $1', [workspaceId]);
}

async function recordMerge(tx: Tx, workspaceId: string, merge: Resolution['merges'][number]): Promise<void> {
  const absorbed = await tx.query<{ id: string }>(
    `UPDATE customers SET merged_into = $3, updated_at = now()
     WHERE workspace_id = $1 AND (id = $2 OR merged_into = $2) RETURNING id`,
    [workspaceId, merge.loserId, merge.winnerId],
  );
  const [loser] = await tx.query<{ traits: unknown; trait_meta: unknown }>(
    'SELECT traits, trait_meta FROM customers WHERE workspace_id = $1 AND id = $2',
    [workspaceId, merge.loserId],
  );
  await tx.query('UPDATE identities SET customer_id = $3 WHERE workspace_id = $1 AND customer_id = $2', [
    workspaceId,
    merge.loserId,
    merge.winnerId,
  ]);
  await tx.query('UPDATE events SET customer_id = $3 WHERE workspace_id = $1 AND customer_id = $2', [
    workspaceId,
    merge.loserId,
    merge.winnerId,
  ]);
  await tx.query(
    'UPDATE account_members SET customer_id = $3 WHERE workspace_id = $1 AND customer_id = $2 AND NOT EXISTS (SELECT 1 FROM account_members o WHERE o.workspace_id = $1 AND o.account_id = account_members.account_id AND o.customer_id = $3)',
    [workspaceId, merge.loserId, merge.winnerId],
  );
  await tx.query(
    `INSERT INTO merges (workspace_id, id, winner_id, loser_id, reason, message_id, absorbed_ids, moved_identities, loser_traits)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      workspaceId,
      uuidv7(),
      merge.winnerId,
      merge.loserId,
      merge.reason,
      merge.messageId,
      absorbed.map((a) => a.id),
      JSON.stringify(merge.movedIdentifiers),
      JSON.stringify({ traits: loser?.traits ?? {}, meta: loser?.trait_meta ?? {} }),
    ],
  );
}

export type MergeRecord = {
  id: string;
  winnerId: string;
  loserId: string;
  reason: string;
  messageId: string | null;
  createdAt: Date;
  undoneAt: Date | null;
};

export async function listMerges(
  db: Database,
  input: { workspaceId: string; customerId: string },
): Promise<MergeRecord[]> {
  const rows = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{
      id: string;
      winner_id: string;
      loser_id: string;
      reason: string;
      message_id: string | null;
      created_at: Date;
      undone_at: Date | null;
    }>(
      `SELECT id, winner_id, loser_id, reason, message_id, created_at, undone_at FROM merges
       WHERE workspace_id = $1 AND (winner_id = $2 OR loser_id = $2) ORDER BY created_at DESC, id DESC`,
      [input.workspaceId, input.customerId],
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    winnerId: r.winner_id,
    loserId: r.loser_id,
    reason: r.reason,
    messageId: r.message_id,
    createdAt: r.created_at,
    undoneAt: r.undone_at,
  }));
}

/**
 * Undoes a merge: the loser's identities, events and earlier-absorbed profiles go back to it and
 * its traits are restored. Only the survivor's most recent live merge can be undone, so later
 * merges never point at a profile that came back.
 */
export async function undoMerge(
  db: Database,
  input: { workspaceId: string; mergeId: string },
): Promise<Result<{ customerId: string }, AppError>> {
  return db.inWorkspace(
    input.workspaceId,
    async (tx) => {
      const [merge] = await tx.query<{
        winner_id: string;
        loser_id: string;
        absorbed_ids: string[];
        moved_identities: { type: string; value: string }[];
        loser_traits: { traits: unknown; meta: unknown };
        undone_at: Date | null;
        created_at: Date;
      }>(
        'SELECT winner_id, loser_id, absorbed_ids, moved_identities, loser_traits, undone_at, created_at FROM merges WHERE workspace_id = $1 AND id = $2',
        [input.workspaceId, input.mergeId],
      );
      if (!merge) return err(appError('PSK_MERGE_NOT_FOUND', { field: 'mergeId' }));
      if (merge.undone_at) return err(appError('PSK_MERGE_ALREADY_UNDONE'));
      const [later] = await tx.query(
        'SELECT 1 FROM merges WHERE workspace_id = $1 AND undone_at IS NULL AND (winner_id = $2 OR loser_id = $2) AND id <> $3 AND created_at >= $4',
        [input.workspaceId, merge.winner_id, input.mergeId, merge.created_at],
      );
      if (later) return err(appError('PSK_MERGE_NOT_LATEST'));
      const others = merge.absorbed_ids.filter((id) => id !== merge.loser_id);
      await tx.query(
        'UPDATE customers SET merged_into = NULL, traits = $3, trait_meta = $4, updated_at = now() WHERE workspace_id = $1 AND id = $2',
        [
          input.workspaceId,
          merge.loser_id,
          JSON.stringify(merge.loser_traits.traits ?? {}),
          JSON.stringify(merge.loser_traits.meta ?? {}),
        ],
      );
      await tx.query(
        'UPDATE customers SET merged_into = $2 WHERE workspace_id = $1 AND id = ANY($3::uuid[])',
        [input.workspaceId, merge.loser_id, others],
      );
      await tx.query(
        `UPDATE identities i SET customer_id = $2 FROM unnest($3::text[], $4::text[]) AS m(type, value)
       WHERE i.workspace_id = $1 AND i.type = m.type AND i.value = m.value AND i.customer_id = $5`,
        [
          input.workspaceId,
          merge.loser_id,
          merge.moved_identities.map((m) => m.type),
          merge.moved_identities.map((m) => m.value),
          merge.winner_id,
        ],
      );
      await tx.query(
        'UPDATE events SET customer_id = $2 WHERE workspace_id = $1 AND customer_id = $3 AND origin_customer_id = ANY($4::uuid[])',
        [input.workspaceId, merge.loser_id, merge.winner_id, merge.absorbed_ids],
      );
      await moveIdentityEpoch(tx, input.workspaceId);
      await tx.query('UPDATE merges SET undone_at = now() WHERE workspace_id = $1 AND id = $2', [
        input.workspaceId,
        input.mergeId,
      ]);
      return ok({ customerId: merge.loser_id });
    },
    { exclusive: true },
  );
}
