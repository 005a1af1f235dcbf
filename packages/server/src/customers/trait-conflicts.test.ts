import { describe, expect, it } from 'vitest';
import { applyTraits, mergeTraits, type TraitMeta } from './trait-conflicts.ts';

describe('trait conflicts', () => {
  it('lets the most recent value win at equal priority', () => {
    const traits = { city: 'Tehran' };
    const meta: TraitMeta = { city: { at: '2026-01-02T00:00:00.000Z', priority: 0, source: 'web' } };
    applyTraits({
      traits,
      meta,
      incoming: { city: 'Shiraz' },
      at: new Date('2026-01-01'),
      priorityOf: () => 0,
      source: 'app',
    });
    expect(traits.city).toBe('Tehran');
    applyTraits({
      traits,
      meta,
      incoming: { city: 'Isfahan' },
      at: new Date('2026-01-03'),
      priorityOf: () => 0,
      source: 'app',
    });
    expect(traits.city).toBe('Isfahan');
  });
  it('keeps a higher-priority source over a newer lower-priority one', () => {
    const traits = { name: 'Sara (CRM)' };
    const meta: TraitMeta = { name: { at: '2026-01-01T00:00:00.000Z', priority: 10, source: 'crm' } };
    applyTraits({
      traits,
      meta,
      incoming: { name: 'sara' },
      at: new Date('2026-06-01'),
      priorityOf: () => 0,
      source: 'web',
    });
    expect(traits.name).toBe('Sara (CRM)');
  });
  it('merges a profile into another trait by trait', () => {
    const a = {
      traits: { name: 'A', plan: 'gold' } as Record<string, unknown>,
      meta: {
        name: { at: '2026-01-01T00:00:00.000Z', priority: 0, source: null },
        plan: { at: '2026-01-01T00:00:00.000Z', priority: 0, source: null },
      } as TraitMeta,
    };
    const b = {
      traits: { name: 'B', city: 'Tabriz' },
      meta: { name: { at: '2026-02-01T00:00:00.000Z', priority: 0, source: null } } as TraitMeta,
    };
    mergeTraits(a, b);
    expect(a.traits).toEqual({ name: 'B', plan: 'gold', city: 'Tabriz' });
  });
});
