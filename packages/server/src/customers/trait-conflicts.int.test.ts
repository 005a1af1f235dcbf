// The trait conflict rule, as the database applies it when it writes a profile (migration 0016):
// the higher source priority wins a trait; at equal priority the most recent value by event time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { newWorkspace, startTestHub, type TestHub } from '../test-support/test-hub.ts';

let hub: TestHub;
let workspaceId: string;

beforeAll(async () => {
  hub = await startTestHub();
  ({ workspaceId } = await newWorkspace(hub));
});
afterAll(() => hub.stop());

type Meta = Record<string, { at: string; priority: number; source: string | null }>;
type Change = [trait: string, value: unknown, at: string, priority: number, source: string | null];

async function fold(traits: Record<string, unknown>, meta: Meta, changes: Change[]) {
  const [row] = await hub.database.db.asSystem((tx) =>
    tx.query<{ traits_after: Record<string, unknown>; meta_after: Meta }>(
      'SELECT * FROM fold_traits($1::jsonb, $2::jsonb, $3::jsonb)',
      [JSON.stringify(traits), JSON.stringify(meta), JSON.stringify(changes)],
    ),
  );
  return row!;
}

describe('trait conflicts', () => {
  it('lets the most recent value win at equal priority', async () => {
    const meta: Meta = { city: { at: '2026-01-02T00:00:00.000Z', priority: 0, source: 'web' } };
    const folded = await fold({ city: 'Tehran' }, meta, [
      ['city', 'Shiraz', '2026-01-01T00:00:00.000Z', 0, 'app'],
      ['city', 'اصفهان', '2026-01-03T00:00:00.000Z', 0, 'app'],
    ]);
    expect(folded.traits_after).toEqual({ city: 'اصفهان' });
    expect(folded.meta_after.city).toEqual({ at: '2026-01-03T00:00:00.000Z', priority: 0, source: 'app' });
  });

  it('keeps a higher-priority source over a newer lower-priority one', async () => {
    const meta: Meta = { name: { at: '2026-01-01T00:00:00.000Z', priority: 10, source: 'crm' } };
    const folded = await fold({ name: 'Sara (CRM)' }, meta, [
      ['name', 'sara', '2026-06-01T00:00:00.000Z', 0, 'web'],
      ['phone', null, '2026-06-01T00:00:00.000Z', 0, 'web'],
    ]);
    expect(folded.traits_after).toEqual({ name: 'Sara (CRM)', phone: null });
  });

  it('keeps the time a value was first set when the same value comes again', async () => {
    const meta: Meta = { plan: { at: '2026-01-01T00:00:00.000Z', priority: 0, source: 'web' } };
    const folded = await fold({ plan: { tier: 'gold', seats: 3 } }, meta, [
      ['plan', { seats: 3, tier: 'gold' }, '2026-03-01T00:00:00.000Z', 0, 'app'],
    ]);
    expect(folded.meta_after).toEqual(meta);
  });

  it('folds a merged profile into the survivor trait by trait, and writes only a changed profile', async () => {
    const [winner, loser, untouched] = [randomUUID(), randomUUID(), randomUUID()];
    const profiles = [
      [
        winner,
        { name: 'A', plan: 'gold' },
        { name: { at: '2026-01-01T00:00:00.000Z', priority: 0, source: null } },
      ],
      [
        loser,
        { name: 'B', city: 'Tabriz' },
        { name: { at: '2026-02-01T00:00:00.000Z', priority: 0, source: 'crm' } },
      ],
      [untouched, { plan: 'gold' }, { plan: { at: '2026-01-01T00:00:00.000Z', priority: 0, source: null } }],
    ] as const;
    const rows = await hub.database.db.asSystem(async (tx) => {
      for (const [id, traits, meta] of profiles)
        await tx.query(
          `INSERT INTO customers (workspace_id, id, traits, trait_meta, updated_at) VALUES ($1, $2, $3, $4, '2026-01-01')`,
          [workspaceId, id, JSON.stringify(traits), JSON.stringify(meta)],
        );
      await tx.query('SELECT fold_profile_traits($1, $2::jsonb)', [
        workspaceId,
        JSON.stringify([
          { id: winner, from: loser },
          { id: untouched, traits: [['plan', 'gold', '2026-05-01T00:00:00.000Z', 0, 'web']] },
          { id: winner, traits: [['kind', 'organization', '2026-05-01T00:00:00.000Z', 0, 'web']] },
        ]),
      ]);
      return tx.query<{ id: string; traits: unknown; kind: string; updated: boolean }>(
        `SELECT id, traits, kind, updated_at > '2026-01-01' AS updated FROM customers WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
        [workspaceId, [winner, untouched]],
      );
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(winner)).toMatchObject({
      traits: { name: 'B', plan: 'gold', city: 'Tabriz', kind: 'organization' },
      kind: 'organization',
      updated: true,
    });
    expect(byId.get(untouched)).toMatchObject({ traits: { plan: 'gold' }, updated: false });
  });
});
