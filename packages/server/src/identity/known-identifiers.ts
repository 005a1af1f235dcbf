// The customers of identifiers this process has read from the identities table, so that a batch
// of known customers' events probes nothing (the look-up was a third of PostgreSQL's work per
// event of known customers, docs/benchmarks.md). Right by construction: an identifier's customer
// changes only by a merge or its undoing, and each bumps the workspace's identity epoch in its own
// transaction (0015_identity_epoch.sql). Identity resolution reads the epoch under the workspace's
// identity lock, when every merge has committed, and what was kept under another epoch is dropped.
// Only rows read from the database are kept, never the identities a batch is still writing: a
// rolled-back batch leaves nothing behind. The workspace's identity rules read with them are kept
// too: changing them bumps the epoch as well.
import type { CompiledRules } from './identity-rules.ts';

/** What was read under one epoch of a workspace's identities. */
export type ReadUnder = { epoch: number; rules: CompiledRules };

export type KnownIdentifiers = {
  /** What is known of a workspace: the epoch and rules it was read under, and identifier keys' (`keyOf`) customers. */
  of(workspaceId: string): (ReadUnder & { customers: ReadonlyMap<string, string> }) | undefined;
  /** Keeps customers of identifier keys read under an epoch; a new epoch first forgets the old one's. */
  remember(workspaceId: string, under: ReadUnder, found: Iterable<[key: string, customerId: string]>): void;
};

/** At most `limit` identifiers per workspace (0 keeps none); beyond it the longest-kept go first. */
export function createKnownIdentifiers(limit: number): KnownIdentifiers {
  const workspaces = new Map<string, ReadUnder & { customers: Map<string, string> }>();
  return {
    of: (workspaceId) => workspaces.get(workspaceId),
    remember(workspaceId, { epoch, rules }, found) {
      if (limit === 0) return;
      let known = workspaces.get(workspaceId);
      if (known?.epoch !== epoch) {
        known = { epoch, rules, customers: new Map() };
        workspaces.set(workspaceId, known);
      }
      const { customers } = known;
      for (const [key, customerId] of found) {
        if (customers.size >= limit && !customers.has(key)) customers.delete(customers.keys().next().value!);
        customers.set(key, customerId);
      }
    },
  };
}
