// Desk-scale benchmark: what runs after the bulk load, and the reports' cross-check against the
// raw tables.
import type pg from 'pg';
import type { Database } from '../packages/server/src/db/database.ts';
import { readDeskSettings } from '../packages/server/src/inbox/desk-settings.ts';
import { toMetricsRow, type MetricsQuery } from '../packages/server/src/inbox/service-metrics.ts';
import { metricsFromRawTables } from '../packages/server/src/inbox/testing/service-metrics-oracle.ts';

/** The load ran with row triggers off: the reports' per-conversation facts are rebuilt once. */
export async function afterLoad(client: pg.Client, workspaceId: string): Promise<void> {
  process.stderr.write('conversation facts…\n');
  await client.query('SELECT conversation_facts_rebuild($1)', [workspaceId]);
  await client.query('VACUUM ANALYZE conversation_facts');
}

const close = (a: unknown, b: unknown) =>
  typeof a === 'number' && typeof b === 'number'
    ? Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))
    : a === b;

/**
 * Whether the report the hub answered equals the same metrics computed from the raw tables (the
 * previous implementation's query), and how long that query took.
 */
export async function reportsAgree(
  db: Database,
  input: MetricsQuery,
  body: Record<string, unknown>,
): Promise<{ agrees: 'yes' | 'no'; rawMs: number }> {
  const started = performance.now();
  const expected = await db.asSystem(async (tx) => {
    const settings = await readDeskSettings(tx, input);
    const rows = await metricsFromRawTables(tx, { ...input, ...settings });
    return rows.map((r) => toMetricsRow(r, input.groupBy));
  });
  const rawMs = performance.now() - started;
  const got = body.rows as Record<string, unknown>[];
  const same =
    got.length === expected.length &&
    expected.every((row, i) =>
      Object.entries(row).every(([field, value]) => close(got[i]?.[field] ?? null, value ?? null)),
    );
  return { agrees: same ? 'yes' : 'no', rawMs };
}
