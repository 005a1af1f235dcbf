// How a PGlite transaction's appended rows reach the table: few by one INSERT, more by COPY. (On a
// server every append is a COPY that waits for the transaction's next round trip.)
import { CopyColumns } from './copy-text.ts';

// Rows from which COPY beats one multi-row INSERT (whose parameters PostgreSQL parses and plans
// every time): measured in a workspace transaction on PostgreSQL 15, 40 rows took 1.6 ms by COPY
// and 2.0 ms by INSERT, 160 rows 3.2 and 6.3 ms; below about 20 they are even.
const COPY_THRESHOLD = 20;

/**
 * Whether rows go by one INSERT rather than COPY: a COPY costs two role switches and a blob, so
 * small sets go as fast by INSERT — unless a row has columns encoded for COPY.
 */
export function byInsert(rows: unknown[][]): boolean {
  return rows.length < COPY_THRESHOLD && !rows.some((row) => row.some((v) => v instanceof CopyColumns));
}

export async function insertInChunks(
  query: (text: string, params: unknown[]) => Promise<unknown>,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
): Promise<void> {
  // PostgreSQL takes at most 65,535 parameters per statement.
  const perChunk = Math.max(1, Math.floor(60_000 / columns.length));
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const marks = row.map((value) => {
        params.push(value);
        return `$${params.length}`;
      });
      return `(${marks.join(',')})`;
    });
    await query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${tuples.join(',')}`, params);
  }
}
