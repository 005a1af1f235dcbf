// Desk-scale benchmark: what runs after the bulk load, and the reports' cross-check.
import type pg from 'pg';
import type { Database } from '../packages/server/src/db/database.ts';
import type { MetricGroup } from '../packages/server/src/inbox/service-metrics.ts';

export async function afterLoad(_db: Database, _client: pg.Client, _workspaceId: string): Promise<void> {}

export async function reportsAgree(
  _db: Database,
  _input: { workspaceId: string; from: Date; to: Date; groupBy: MetricGroup },
  _body: Record<string, unknown>,
): Promise<'yes' | 'no' | 'n/a'> {
  return 'n/a';
}
