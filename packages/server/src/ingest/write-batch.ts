// One batch of events into the database, in the caller's transaction: drop repeats of a
// messageId, resolve identities once for the whole batch, apply traits and account
// memberships, append the events.
import { CopyColumns } from '../db/copy-text.ts';
import type { Statement, Tx } from '../db/database.ts';
import { lookUpOwners, resolveBatch, resolveFromMemory } from '../identity/identity.service.ts';
import type { CompiledRules } from '../identity/identity-rules.ts';
import type { KnownIdentifiers } from '../identity/known-identifiers.ts';
import type { Resolution } from '../identity/resolve-identities.ts';
import { keyOf } from '../core/identifiers.ts';
import { applyGroupCall } from '../customers/accounts.service.ts';
import { updateProfiles } from '../customers/customers.service.ts';
import { EVENT_OWN_COLUMNS, type HubEvent } from './normalize-event.ts';

/** Per event of the batch, in order: the customer it landed on, or that it repeated a stored messageId. */
export type EventOutcome = { customerId: string; duplicate: false } | { customerId: null; duplicate: true };

export const EVENT_COLUMNS = [
  'workspace_id',
  'customer_id',
  'origin_customer_id',
  ...EVENT_OWN_COLUMNS,
] as const;

/**
 * Runs in an exclusive workspace transaction (`inWorkspace(…, { exclusive: true })`). In a
 * releasable one, the identity lock is handed on once identities and profiles are decided (unless
 * the batch merged profiles) and `onReleased` learns which identifiers the batch created. On a
 * server the hand-over goes with the transaction's last round trip, with its profile updates,
 * events and COMMIT: the next group's transaction, started at `onReleased`, waits for it there.
 *
 * `assumeNew`: the batch's messageIds are taken to be new, and a batch of customers this process
 * knows is then written in that one round trip, with nothing read. A stored messageId fails it
 * with a unique violation (23505), and a change of identities since they were read with a
 * serialization failure (40001): the caller writes it again without `assumeNew`.
 */
export async function writeBatch(
  tx: Tx,
  workspaceId: string,
  events: HubEvent[],
  options: {
    onReleased?: (createdIdentifiers: string[]) => void;
    /** The ingest pipeline's memory of identifiers' customers. */
    knownIdentifiers?: KnownIdentifiers;
    assumeNew?: boolean;
  } = {},
): Promise<EventOutcome[]> {
  const seen = new Set<string>();
  const unique = events.filter((e) => !seen.has(e.messageId) && seen.add(e.messageId));
  const decided =
    (options.assumeNew ? await decideFromMemory(tx, workspaceId, unique, options.knownIdentifiers) : null) ??
    (await decideFromDatabase(tx, workspaceId, unique, options.knownIdentifiers));
  if (decided === null) return events.map(() => ({ customerId: null, duplicate: true }));
  const { fresh, resolution, rules } = decided;

  await updateProfiles(tx, {
    workspaceId,
    merges: resolution.merges,
    // Only events that set traits touch a profile (most are tracks: no closure or object for them).
    touches: fresh.flatMap((event, i) =>
      Object.keys(event.traits).length === 0
        ? []
        : [
            {
              customerId: resolution.customerIds[i]!,
              at: event.ts,
              traits: event.traits,
              priorityOf: (trait: string) =>
                rules.traitPriority(trait, event.source.sourceName, event.source.traitPriority),
              source: event.source.sourceName,
            },
          ],
    ),
  });
  for (const [i, event] of fresh.entries()) {
    if (event.group)
      await applyGroupCall(tx, { workspaceId, customerId: resolution.customerIds[i]!, group: event.group });
  }
  if (resolution.merges.length === 0) {
    await tx.releaseExclusive();
    options.onReleased?.(resolution.newIdentities.map((n) => keyOf(n.identifier)));
  }
  await tx.appendRows(
    'events',
    EVENT_COLUMNS,
    fresh.map((e, i) => {
      const head = [workspaceId, resolution.customerIds[i], resolution.originIds[i]];
      return typeof e.columns === 'string' ? [...head, new CopyColumns(e.columns)] : [...head, ...e.columns];
    }),
  );
  const landed = new Map(fresh.map((e, i) => [e, resolution.customerIds[i]!]));
  return events.map((e) => {
    const customerId = landed.get(e);
    return customerId ? { customerId, duplicate: false } : { customerId: null, duplicate: true };
  });
}

/** The batch's events to store and their customers. */
type Decided = { fresh: HubEvent[]; resolution: Resolution; rules: CompiledRules };

/**
 * Customers this process knows, from memory: the assertion that they still are theirs waits for
 * the transaction's round trip. Null when the batch needs the database; group calls read and
 * write accounts, so they always do.
 */
async function decideFromMemory(
  tx: Tx,
  workspaceId: string,
  unique: HubEvent[],
  known: KnownIdentifiers | undefined,
): Promise<Decided | null> {
  if (unique.some((e) => e.group)) return null;
  const memory = resolveFromMemory(workspaceId, unique, known);
  if (!memory) return null;
  await tx.write(memory.assertion.text, memory.assertion.params);
  return { fresh: unique, resolution: memory.resolution, rules: memory.rules };
}

/**
 * The repeat check and the identifiers' look-up go in one round trip (with the transaction's
 * opening, when it opens with its first query); identity resolution then reads what else it needs.
 * Null when every event repeats a stored messageId.
 */
async function decideFromDatabase(
  tx: Tx,
  workspaceId: string,
  unique: HubEvent[],
  known: KnownIdentifiers | undefined,
): Promise<Decided | null> {
  const owners = lookUpOwners(workspaceId, unique, known);
  const [stored, ownerRows] = await tx.queries([storedOf(workspaceId, unique), owners.statement]);
  const storedIds = new Set(stored!.map((r) => r.message_id as string));
  const fresh = unique.filter((e) => !storedIds.has(e.messageId));
  if (fresh.length === 0) return null;
  const { resolution, rules } = await resolveBatch(tx, {
    workspaceId,
    events: fresh,
    owners: await owners.read(tx, ownerRows!),
  });
  return { fresh, resolution, rules };
}

/**
 * messageId is the idempotency key: a repeat, in this batch or already stored, is accepted and not
 * stored again. The statement that finds which of the batch's messageIds are stored: one
 * primary-key probe per messageId (LATERAL … LIMIT 1), whatever the statistics say.
 */
function storedOf(workspaceId: string, events: HubEvent[]): Statement {
  return {
    text: `SELECT e.message_id FROM unnest($2::text[]) AS q(id)
     CROSS JOIN LATERAL (SELECT message_id FROM events WHERE workspace_id = $1 AND message_id = q.id LIMIT 1) e`,
    params: [workspaceId, events.map((e) => e.messageId)],
  };
}
