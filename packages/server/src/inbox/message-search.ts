// Message search behind GET /api/conversations?q=…: the conversations with a message matching
// every word of the query, newest matching message first (docs/service-desk.md, "Search and
// reports at scale").
//
// - The messages are probed as the hub's own role, with the workspace in every statement. Under
//   row-level security PostgreSQL cannot use the full-text index at all (`@@` is not leakproof, so
//   it may not run before the policy's check): every search was a sequential scan computing
//   to_tsvector for each message. Only conversation ids leave the probe; the caller reads the
//   conversations in its workspace transaction, under row-level security.
// - Newest first without sorting every match. Message ids are UUIDv7 (time-ordered), so the
//   newest messages are read in primary-key order and their stored search_vector tested: a
//   common word fills the page from them at once, where the index would hand over every match.
//   Older messages are searched through the index, window by window (each four times longer than
//   the one before), until the caller has enough.
import type { Database } from '../db/database.ts';
import { normalizePersian, tokenize } from '../core/persian-text.ts';

const GROWTH = 4;
// How many of the newest messages are read in key order (before the index takes over) for a page
// of n conversations: enough for a word in 2 % of messages to fill it. About 1 µs a message.
const newestToRead = (pageSize: number) => Math.max(5_000, 100 * pageSize);

/**
 * The query written as the stored search text is (normalizePersian: ي/ك, Persian digits, ZWNJ,
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
const OLDEST = idFloor(0);

type Hit = { conversation_id: string; id: string };
type Edges = { scanned: number; newest: string | null; last: string | null; oldest: string | null };

// The newest `$2` messages, read in key order (a LIMIT subquery, so the index cannot be chosen
// instead) and matched on their stored vector.
const NEWEST = `SELECT conversation_id, id FROM (
    SELECT conversation_id, id, search_vector FROM messages WHERE workspace_id = $1 ORDER BY id DESC LIMIT $2) recent
  WHERE search_vector @@ plainto_tsquery('simple', $3)`;
// How many were read, the newest and the last of them, and the workspace's oldest message.
const EDGES = `SELECT count(*)::int AS scanned, (array_agg(id ORDER BY id DESC))[1] AS newest,
    (array_agg(id ORDER BY id))[1] AS last,
    (SELECT id FROM messages WHERE workspace_id = $1 ORDER BY id LIMIT 1) AS oldest
  FROM (SELECT id FROM messages WHERE workspace_id = $1 ORDER BY id DESC LIMIT $2) recent`;
// Older messages in [$2, $3) through the full-text index; each conversation's newest match.
const OLDER = `SELECT DISTINCT ON (conversation_id) conversation_id, id FROM messages
  WHERE workspace_id = $1 AND id >= $2::uuid AND id < $3::uuid AND search_vector @@ plainto_tsquery('simple', $4)
  ORDER BY conversation_id, id DESC`;

/**
 * Yields conversation ids with a matching message, newest matching message first, one batch at
 * a time (each id once); stop iterating once enough were found. `text` comes from `searchText`.
 */
export async function* conversationsMatching(
  db: Database,
  input: { workspaceId: string; text: string; pageSize: number },
): AsyncGenerator<string[]> {
  const { workspaceId, text } = input;
  const scan = newestToRead(input.pageSize);
  const seen = new Set<string>();
  // Newest match first; the first row of a conversation is its newest match.
  const fresh = (rows: Hit[]) => {
    const ids = rows.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map((r) => r.conversation_id);
    const batch = [...new Set(ids)].filter((id) => !seen.has(id));
    for (const id of batch) seen.add(id);
    return batch;
  };

  const [newest, edges] = await db.asSystem(async (tx) => [
    await tx.query<Hit>(NEWEST, [workspaceId, scan, text]),
    (await tx.query<Edges>(EDGES, [workspaceId, scan]))[0],
  ]);
  const first = fresh(newest);
  if (first.length > 0) yield first;
  if (!edges?.newest || !edges.last || !edges.oldest || edges.scanned < scan) return; // read them all

  // Older messages through the index, in windows growing back in time from the newest one.
  const top = msOfId(edges.newest);
  const start = msOfId(edges.oldest);
  let length = Math.max(1, top - msOfId(edges.last));
  let upper = edges.last;
  while (upper !== OLDEST) {
    length *= GROWTH;
    const lower = top - length > start ? idFloor(top - length) : OLDEST;
    const rows = await db.asSystem((tx) => tx.query<Hit>(OLDER, [workspaceId, lower, upper, text]));
    const batch = fresh(rows);
    if (batch.length > 0) yield batch;
    upper = lower;
  }
}
