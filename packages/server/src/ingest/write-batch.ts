// One batch of events into the database, in the caller's transaction: drop repeats of a
// messageId, resolve identities once for the whole batch, apply traits and account
// memberships, append the events.
import { CopyColumns } from '../db/copy-text.ts';
import type { Statement, Tx } from '../db/database.ts';
import { lookUpOwners, resolveBatch } from '../identity/identity.service.ts';
import type { KnownIdentifiers } from '../identity/known-identifiers.ts';
import { keyOf } from '../core/identifiers.ts';
import { applyGroupCall } from '../customers/accounts.service.ts';
import { profilesToUpdate, updateProfiles } from '../customers/customers.service.ts';
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
 */
export async function writeBatch(
  tx: Tx,
  workspaceId: string,
  events: HubEvent[],
  options: {
    onReleased?: (createdIdentifiers: string[]) => void;
    /** The ingest pipeline's memory of identifiers' customers. */
    knownIdentifiers?: KnownIdentifiers;
  } = {},
): Promise<EventOutcome[]> {
  // The repeat check, the identifiers' look-up and the profiles the batch will likely update (of
  // customers this process knows) go in one round trip (with the transaction's opening, when it
  // opens with its first query). Profiles it did not expect are read once identities are decided.
  const seen = new Set<string>();
  const unique = events.filter((e) => !seen.has(e.messageId) && seen.add(e.messageId));
  const owners = lookUpOwners(workspaceId, unique, options.knownIdentifiers);
  const likely = new Set<string>();
  for (const e of unique) {
    const customerId = Object.keys(e.traits).length > 0 ? owners.knownCustomerOf(e.identifiers) : undefined;
    if (customerId !== undefined) likely.add(customerId);
  }
  const profiles = profilesToUpdate(workspaceId, likely);
  const [stored, ownerRows, profileRows] = await tx.queries([
    storedOf(workspaceId, unique),
    owners.statement,
    ...(likely.size > 0 ? [profiles.statement] : []),
  ]);
  const storedIds = new Set(stored!.map((r) => r.message_id as string));
  const fresh = unique.filter((e) => !storedIds.has(e.messageId));
  if (fresh.length === 0) return events.map(() => ({ customerId: null, duplicate: true }));

  const { resolution, rules } = await resolveBatch(tx, {
    workspaceId,
    events: fresh,
    owners: await owners.read(tx, ownerRows!),
  });
  await updateProfiles(tx, {
    workspaceId,
    merges: resolution.merges,
    // A merge reads its profiles after recording it, as before this read.
    read: resolution.merges.length === 0 && profileRows ? profiles.read(profileRows) : undefined,
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
