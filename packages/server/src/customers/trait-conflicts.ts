// When two sources disagree about a trait: the higher source priority for that trait wins; at
// equal priority the most recent value (by event time) wins. Each trait keeps when and by whom it
// was set.

export type TraitMeta = Record<string, { at: string; priority: number; source: string | null }>;
export type Traits = Record<string, unknown>;

export function applyTraits(input: {
  traits: Traits;
  meta: TraitMeta;
  incoming: Traits;
  at: Date;
  /** The incoming source's priority for each trait. */
  priorityOf: (trait: string) => number;
  source: string | null;
}): boolean {
  let changed = false;
  const at = input.at.toISOString();
  for (const [key, value] of Object.entries(input.incoming)) {
    if (value === undefined) continue;
    const previous = input.meta[key];
    const priority = input.priorityOf(key);
    const wins =
      !previous || priority > previous.priority || (priority === previous.priority && at >= previous.at);
    // The same value again is no change: its time stays when it was first set.
    if (!wins || (key in input.traits && sameValue(input.traits[key], value))) continue;
    input.traits[key] = value;
    input.meta[key] = { at, priority, source: input.source };
    changed = true;
  }
  return changed;
}

function sameValue(a: unknown, b: unknown): boolean {
  return (
    a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b))
  );
}

/** Folds a merged profile's traits into the survivor by the same rule, trait by trait. */
export function mergeTraits(
  target: { traits: Traits; meta: TraitMeta },
  other: { traits: Traits; meta: TraitMeta },
): boolean {
  let changed = false;
  for (const [key, value] of Object.entries(other.traits)) {
    const meta = other.meta[key] ?? { at: new Date(0).toISOString(), priority: 0, source: null };
    const one = {
      traits: target.traits,
      meta: target.meta,
      incoming: { [key]: value },
      at: new Date(meta.at),
      priorityOf: () => meta.priority,
      source: meta.source,
    };
    changed = applyTraits(one) || changed;
  }
  return changed;
}
