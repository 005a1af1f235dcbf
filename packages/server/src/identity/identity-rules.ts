// Guards against over-merging, configurable per workspace (stored in workspaces.identity_rules).
import { z } from 'zod';
import { keyOf, type Identifier, type IdentifierType } from '../core/identifiers.ts';

export const IdentityRules = z.object({
  /** Most identifiers of one type a profile may hold; a merge that would exceed it does not happen. */
  maxPerType: z.record(z.string(), z.number().int().min(1).max(1000)).default({}),
  /** Shared values (info@…, a shop's own phone) never identify anyone. */
  blockedValues: z
    .array(z.object({ type: z.string().min(1).max(80), value: z.string().min(1).max(256) }))
    .max(10_000)
    .default([]),
  /**
   * Per-trait source priority: `{ name: { crm: 10 } }` makes the source named "crm" win the
   * `name` trait over sources of lower priority; other traits use each source's own priority.
   */
  traitPriority: z
    .record(
      z.string().min(1).max(200),
      z.record(z.string().min(1).max(120), z.number().int().min(-100).max(100)),
    )
    .default({}),
});
export type IdentityRules = z.infer<typeof IdentityRules>;

const DEFAULT_MAX: Record<string, number> = { userId: 1, email: 5, phone: 5, anonymousId: 100 };
const DEFAULT_MAX_OTHER = 5;

export type CompiledRules = {
  maxFor(type: IdentifierType): number;
  isBlocked(identifier: Identifier): boolean;
  /** The priority of `source` for `trait`: its per-trait override, or the source's own. */
  traitPriority(trait: string, source: string | null, sourcePriority: number): number;
};

export function compileRules(rules: IdentityRules): CompiledRules {
  const blocked = new Set(rules.blockedValues.map(keyOf));
  return {
    // Two different userIds never merge, whatever the configuration says.
    maxFor: (type) =>
      type === 'userId' ? 1 : (rules.maxPerType[type] ?? DEFAULT_MAX[type] ?? DEFAULT_MAX_OTHER),
    // Most workspaces block nothing: then no key is built per identifier (it runs for each of them).
    isBlocked: (id) => blocked.size > 0 && blocked.has(keyOf(id)),
    traitPriority: (trait, source, sourcePriority) =>
      (source !== null ? rules.traitPriority[trait]?.[source] : undefined) ?? sourcePriority,
  };
}

/** Which identifier decides the profile when an event carries several: the most specific first. */
export function identifierRank(type: IdentifierType): number {
  if (type === 'userId') return 0;
  if (type.startsWith('external:')) return 1;
  if (type === 'email') return 2;
  if (type === 'phone') return 3;
  if (type === 'anonymousId') return 5;
  return 4;
}
