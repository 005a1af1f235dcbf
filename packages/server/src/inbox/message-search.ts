// Message search behind GET /api/conversations?q=…: the conversations with a message matching
// every word of the query, newest matching message first.
//
// Two things make it fast at millions of messages (docs/service-desk.md, "Search and reports at
// scale"):
// - The full-text index is probed as the hub's own role, with the workspace in the statement.
//   Under row-level security PostgreSQL cannot use it at all: `@@` is not a leakproof operator,
//   so it may not run before the policy's check and every search was a sequential scan computing
//   to_tsvector for each message of the workspace. Only conversation ids leave the probe; the
//   caller reads the conversations in its workspace transaction, under row-level security.
// - Newest first without sorting every match: message ids are UUIDv7 (time-ordered), so the
//   probe walks back through windows of the primary key — about the newest 20,000 messages
//   first, then windows four times longer each — and stops once the caller has enough. A common
//   word is answered from the first window; a rare one costs a few small index probes.
import type { Database } from '../db/database.ts';
import { normalizePersian, tokenize } from '../core/persian-text.ts';

const FIRST_WINDOW_MESSAGES = 20_000;
const GROWTH = 4;

/**
 * The query as the stored search text is written (normalizePersian: ي/ك, Persian digits, ZWNJ,
 * case), or null when it holds no word to look for.
 */
export function searchText(q: string): string | null {
  return tokenize(q).length > 0 ? normalizePersian(q) : null;
}

// The smallest UUIDv7 of a millisecond: a lower bound on the primary key for "written since".
const idFloor = (ms: number) => {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
};
const msOfId = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

const MATCHES_IN_WINDOW = (bounded: boolean) =>
  `SELECT DISTINCT ON (conversation_id) conversation_id, id FROM messages
   WHERE workspace_id = $1 AND id >= $2::uuid ${bounded ? 'AND id < $4::uuid' : ''}
     AND to_tsvector('simple', search_text) @@ plainto_tsquery('simple', $3)
   ORDER BY conversation_id, id DESC`;

/**
 * Yields conversation ids with a matching message, newest matching message first, one window of
 * messages at a time (each id once); stop iterating once enough were found. `text` comes from
 * `searchText`.
 */
export async function* conversationsMatching(
  db: Database,
  input: { workspaceId: string; text: string },
): AsyncGenerator<string[]> {
  const { workspaceId, text } = input;
  // The newest message, and the one FIRST_WINDOW_MESSAGES back: their distance in time sizes
  // the first window to this workspace's traffic (two index-only probes of the primary key).
  const edges = await db.asSystem((tx) =>
    tx.query<{ newest: string | null; older: string | null }>(
      `SELECT (SELECT id FROM messages WHERE workspace_id = $1 ORDER BY id DESC LIMIT 1) AS newest,
              (SELECT id FROM messages WHERE workspace_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1) AS older`,
      [workspaceId, FIRST_WINDOW_MESSAGES],
    ),
  );
  const newest = edges[0]?.newest;
  if (!newest) return;
  const older = edges[0]?.older ?? null;
  const top = msOfId(newest);
  const span = older ? Math.max(1, top - msOfId(older)) : Infinity;
  const seen = new Set<string>();
  let upper: string | null = null;
  for (let length = span; ; length *= GROWTH) {
    const lower = Number.isFinite(length) && top - length > 0 ? idFloor(top - length) : idFloor(0);
    const rows = await db.asSystem((tx) =>
      tx.query<{ conversation_id: string; id: string }>(
        MATCHES_IN_WINDOW(upper !== null),
        upper === null ? [workspaceId, lower, text] : [workspaceId, lower, text, upper],
      ),
    );
    const batch = rows
      .filter((r) => !seen.has(r.conversation_id))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((r) => r.conversation_id);
    for (const id of batch) seen.add(id);
    if (batch.length > 0) yield batch;
    if (lower === idFloor(0)) return;
    upper = lower;
  }
}
