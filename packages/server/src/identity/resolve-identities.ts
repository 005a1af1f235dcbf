// The identity algorithm, on one batch of events, in memory: which profile each event belongs to,
// which identifiers are new, and which profiles merge. No I/O, so it is tested with scenario
// tables; identity.service.ts loads what it needs and writes what it decides.
import { keyOf, type Identifier, type IdentifierType } from '../core/identifiers.ts';
import { identifierRank, type CompiledRules } from './identity-rules.ts';

export type KnownProfile = { customerId: string; identifiers: Identifier[] };

export type MergeDecision = {
  winnerId: string;
  loserId: string;
  reason: string;
  messageId: string;
  /** Identifiers the loser held at the moment of the merge. */
  movedIdentifiers: Identifier[];
};

export type Resolution = {
  /** Per event: the profile it was first attributed to (never changes) … */
  originIds: string[];
  /** … and the surviving profile after every merge of the batch. */
  customerIds: string[];
  newCustomerIds: string[];
  newIdentities: { identifier: Identifier; customerId: string; messageId: string }[];
  merges: MergeDecision[];
  blockedMerges: { customerId: string; otherId: string; reason: string; messageId: string }[];
};

export function resolveIdentities(input: {
  known: KnownProfile[];
  events: { messageId: string; identifiers: Identifier[] }[];
  rules: CompiledRules;
  newId: () => string;
}): Resolution {
  const owner = new Map<string, string>();
  const profiles = new Map<string, Map<IdentifierType, Set<string>>>();
  const survivor = new Map<string, string>();
  const canonical = (id: string): string => {
    let current = id;
    for (let next = survivor.get(current); next; next = survivor.get(current)) current = next;
    return current;
  };
  // A known profile's identifiers by type are built only when the guards need them: most events of
  // a batch neither add an identifier nor merge, and their profiles need only the owner map.
  const unopened = new Map(input.known.map((p) => [p.customerId, p.identifiers]));
  const profileOf = (customerId: string) => {
    let profile = profiles.get(customerId);
    if (!profile) {
      profiles.set(customerId, (profile = new Map()));
      for (const id of unopened.get(customerId) ?? []) addValue(profile, id);
      unopened.delete(customerId);
    }
    return profile;
  };
  const addValue = (profile: Map<IdentifierType, Set<string>>, id: Identifier) => {
    let values = profile.get(id.type);
    if (!values) profile.set(id.type, (values = new Set()));
    values.add(id.value);
  };
  const addTo = (customerId: string, id: Identifier) => {
    addValue(profileOf(customerId), id);
    owner.set(keyOf(id), customerId);
  };
  for (const profile of input.known)
    for (const id of profile.identifiers) owner.set(keyOf(id), profile.customerId);

  const out: Resolution = {
    originIds: [],
    customerIds: [],
    newCustomerIds: [],
    newIdentities: [],
    merges: [],
    blockedMerges: [],
  };

  const fitsAfterAdding = (customerId: string, type: IdentifierType, extra: Set<string>) => {
    const mine = profileOf(customerId).get(type);
    let total = mine?.size ?? 0;
    for (const value of extra) if (!mine?.has(value)) total++;
    return total <= input.rules.maxFor(type);
  };
  const mergeBlocker = (winnerId: string, loserId: string): string | null => {
    for (const [type, values] of profileOf(loserId)) {
      if (!fitsAfterAdding(winnerId, type, values)) {
        return type === 'userId'
          ? 'two different userIds'
          : `more than ${input.rules.maxFor(type)} ${type} identifiers`;
      }
    }
    return null;
  };

  const current = (id: Identifier) => {
    const found = owner.get(keyOf(id));
    return found ? canonical(found) : undefined;
  };
  for (const event of input.events) {
    const identifiers = usable(event.identifiers, input.rules);
    // A userId is authoritative: the event belongs to its profile, even on a shared device.
    const userId = identifiers.find((id) => id.type === 'userId');
    const via = userId ?? identifiers.find((id) => current(id) !== undefined);
    let primary = via ? current(via) : undefined;
    if (!primary) {
      primary = input.newId();
      out.newCustomerIds.push(primary);
    }
    for (const id of identifiers) {
      const holder = current(id);
      if (holder === primary) continue;
      if (holder === undefined) {
        if (!fitsAfterAdding(primary, id.type, new Set([id.value]))) continue;
        addTo(primary, id);
        out.newIdentities.push({ identifier: id, customerId: primary, messageId: event.messageId });
        continue;
      }
      const blocker = mergeBlocker(primary, holder);
      if (blocker) {
        out.blockedMerges.push({
          customerId: primary,
          otherId: holder,
          reason: blocker,
          messageId: event.messageId,
        });
        continue;
      }
      const moved: Identifier[] = [];
      for (const [type, values] of profileOf(holder)) for (const value of values) moved.push({ type, value });
      for (const movedId of moved) addTo(primary, movedId);
      profiles.delete(holder);
      survivor.set(holder, primary);
      out.merges.push({
        winnerId: primary,
        loserId: holder,
        reason:
          via && via !== id
            ? `one event carried ${via.type} ${via.value} and ${id.type} ${id.value}`
            : `shares ${id.type} ${id.value}`,
        messageId: event.messageId,
        movedIdentifiers: moved,
      });
    }
    out.originIds.push(primary);
  }
  out.customerIds = out.originIds.map(canonical);
  // Identities created in this batch follow later merges of the same batch.
  for (const created of out.newIdentities) created.customerId = canonical(created.customerId);
  return out;
}

/** The event's identifiers that may identify someone, each once, the most specific first. */
function usable(ids: Identifier[], rules: CompiledRules): Identifier[] {
  const out: Identifier[] = [];
  for (const id of ids) {
    if (rules.isBlocked(id) || out.some((o) => o.type === id.type && o.value === id.value)) continue;
    out.push(id);
  }
  // An event carries a handful of identifiers: comparing them pairwise is cheaper than a set, and
  // an insertion sort in place cheaper than Array#sort's work array (stable, as that one is).
  for (let i = 1; i < out.length; i++) {
    const id = out[i]!;
    const rank = identifierRank(id.type);
    let j = i - 1;
    for (; j >= 0 && identifierRank(out[j]!.type) > rank; j--) out[j + 1] = out[j]!;
    out[j + 1] = id;
  }
  return out;
}
