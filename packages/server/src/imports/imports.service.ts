// A CSV import is one transaction: every row is checked first, then all are written, or none.
import type { Result } from 'neverthrow';
import type { AppError } from '../core/errors.ts';
import type { Database } from '../db/database.ts';
import { normalizeEvent } from '../ingest/normalize-event.ts';
import type { SegmentCall } from '../ingest/segment.schema.ts';
import { writeBatch } from '../ingest/write-batch.ts';
import { csvToCalls, type ImportKind } from './csv-rows.ts';

const CHUNK = 500;

export function checkImport(input: { kind: ImportKind; csv: string }): Result<SegmentCall[], AppError> {
  return csvToCalls(input);
}

export async function runImport(
  db: Database,
  input: { workspaceId: string; calls: SegmentCall[]; onProgress(done: number, total: number): void },
): Promise<{ imported: number; duplicates: number }> {
  const receivedAt = new Date();
  const events = input.calls.map((call) =>
    normalizeEvent(call, receivedAt, {
      sourceId: null,
      sourceName: 'import',
      channel: 'import',
      traitPriority: 0,
    }),
  );
  return db.inWorkspace(
    input.workspaceId,
    async (tx) => {
      let duplicates = 0;
      for (let start = 0; start < events.length; start += CHUNK) {
        const results = await writeBatch(tx, input.workspaceId, events.slice(start, start + CHUNK));
        duplicates += results.filter((r) => r.duplicate).length;
        input.onProgress(Math.min(events.length, start + CHUNK), events.length);
      }
      return { imported: events.length - duplicates, duplicates };
    },
    { exclusive: true },
  );
}
