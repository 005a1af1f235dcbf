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
//   newest messages can be read in primary-key order, testing their stored search_vector (about
//   1 µs a message): a common word fills the page from the first few thousand. When the words
//   turn out rare, the full-text index finds the older matches instead. Which of the two goes on
//   is decided from the match rate seen so far, by which touches fewer rows — not by the
//   planner, whose statistics PGlite never has.
import type { Database } from '../db/database.ts';
import { normalizePersian, tokenize } from '../core/persian-text.ts';

const FIRST_CHUNK = 2_000;
const MAX_CHUNK = 32_000;
// Fetching an index match from the table costs about this many messages read in key order
// (measured at 2,000,000 messages: 13 µs a match, scattered over the table, against 2 µs a
// message read in key order).
const FETCH_COST = 6;
const AFTER_ALL = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * The query written as the stored search text is (normalizePersian: ي/ك, Persian digits, ZWNJ,
 * case), or null when it holds no word to look for.
 */
export function searchText(q: string): string | null {
  return tokenize(q).length > 0 ? normalizePersian(q) : null;
}

const msOfId = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

type Hit = { conversation_id: string | null; id: string; n: number | null };

// The workspace's newest and oldest message (two index probes).
const EDGES = `SELECT (SELECT id FROM messages WHERE workspace_id = $1 ORDER BY id DESC LIMIT 1) AS newest,
  (SELECT id FROM messages WHERE workspace_id = $1 ORDER BY id LIMIT 1) AS oldest`;
// The next `$3` messages older than `$2`, read in key order (the match is computed per row, so
// the full-text index cannot be chosen instead); the matches, then one row with the oldest id
// read and how many were read.
const IN_KEY_ORDER = `WITH recent AS MATERIALIZED (
    SELECT conversation_id, id, search_vector @@ plainto_tsquery('simple', $4) AS hit FROM messages
    WHERE workspace_id = $1 AND id < $2::uuid ORDER BY id DESC LIMIT $3)
  SELECT conversation_id, id::text AS id, NULL::int AS n FROM recent WHERE hit
  UNION ALL
  SELECT NULL, min(id::text COLLATE "C"), count(*)::int FROM recent`;
// Every match older than `$2` through the full-text index; each conversation's newest.
const THROUGH_INDEX = `SELECT DISTINCT ON (conversation_id) conversation_id, id::text AS id, NULL::int AS n FROM messages
  WHERE workspace_id = $1 AND id < $2::uuid AND search_vector @@ plainto_tsquery('simple', $3)
  ORDER BY conversation_id, id DESC`;

/**
 * Yields conversation ids with a matching message, newest matching message first, one batch at
 * a time (each id once); stop iterating once enough were found. `text` comes from `searchText`;
 * `pageSize` is how many conversations the caller expects to need.
 */
export async function* conversationsMatching(
  db: Database,
  input: { workspaceId: string; text: string; pageSize: number },
): AsyncGenerator<string[]> {
  const { workspaceId, text } = input;
  const seen = new Set<string>();
  const fresh = (rows: Hit[]) => {
    const ids: string[] = [];
    for (const r of rows.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)))
      if (r.conversation_id !== null && !seen.has(r.conversation_id)) {
        seen.add(r.conversation_id);
        ids.push(r.conversation_id);
      }
    return ids;
  };

  let before = AFTER_ALL;
  let chunk = FIRST_CHUNK;
  let read = 0;
  let matched = 0;
  let edges: { newest: string | null; oldest: string | null } | undefined;
  for (;;) {
    const [rows, found] = await db.asSystem(async (tx) => [
      await tx.query<Hit>(IN_KEY_ORDER, [workspaceId, before, chunk, text]),
      edges ?? (await tx.query<{ newest: string | null; oldest: string | null }>(EDGES, [workspaceId]))[0],
    ]);
    edges = found;
    const tail = rows.find((r) => r.conversation_id === null);
    const batch = fresh(rows);
    if (batch.length > 0) yield batch;
    if (!tail || (tail.n ?? 0) < chunk || !edges?.newest || !edges.oldest) return; // read them all
    read += tail.n ?? 0;
    matched += rows.length - 1;
    before = tail.id;
    // Read on in key order, or let the index fetch the older matches: whichever touches fewer rows.
    const rate = matched / read;
    const newestMs = msOfId(edges.newest);
    const older = (read * (msOfId(before) - msOfId(edges.oldest))) / Math.max(1, newestMs - msOfId(before));
    const wanted = Math.max(1, input.pageSize - seen.size);
    const inKeyOrder = rate > 0 ? wanted / rate : Infinity;
    if (inKeyOrder > FETCH_COST * rate * older) break;
    chunk = Math.min(MAX_CHUNK, Math.max(2 * chunk, Math.ceil(1.5 * inKeyOrder)));
  }
  const rest = fresh(await db.asSystem((tx) => tx.query<Hit>(THROUGH_INDEX, [workspaceId, before, text])));
  if (rest.length > 0) yield rest;
}
