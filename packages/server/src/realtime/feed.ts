// What agents' consoles are told live. Each item is written to agent_feed in the transaction of
// the change it reports, then published in-process after the commit; a reconnecting console
// reads what it missed from the table with its cursor (the id of the last item it saw).
import { uuidv7 } from '../core/ids.ts';
import type { Database, Tx } from '../db/database.ts';

export const FEED_TYPES = [
  'conversation.created',
  'conversation.updated',
  'conversation.assigned',
  'message.created',
  'message.status',
  'notification',
  'sla.warning',
  'sla.breached',
  'screen_pop',
] as const;
export type FeedType = (typeof FEED_TYPES)[number];

export type FeedItem = {
  id: string;
  workspaceId: string;
  /** null: every agent of the workspace (the unassigned queue); otherwise one user. */
  userId: string | null;
  type: FeedType;
  payload: Record<string, unknown>;
  at: string;
};

/** Live-only signals (typing): never stored, lost when nobody listens. */
export type Signal = {
  workspaceId: string;
  userId: string | null;
  type: 'typing';
  payload: Record<string, unknown>;
};

type FeedInput = {
  workspaceId: string;
  userId: string | null;
  type: FeedType;
  payload: Record<string, unknown>;
};

export async function appendFeed(tx: Tx, input: FeedInput): Promise<FeedItem> {
  const item = feedItem(input);
  await insertFeedItems(tx, [item]);
  return item;
}

/** An item with its id and time, not yet stored: several are then written in one statement. */
export function feedItem(input: FeedInput): FeedItem {
  const now = Date.now();
  return { id: uuidv7(now), ...input, at: new Date(now).toISOString() };
}

/** The insert a statement of another domain may end with, to store its feed items in the same round trip. */
export const FEED_INSERT = 'INSERT INTO agent_feed (workspace_id, id, user_id, type, payload, created_at)';

/**
 * The rows of items passed as one JSON parameter (`feedJson`), in FEED_INSERT's column order:
 * the same statement on PGlite and node-postgres, whatever the payloads hold.
 */
export const feedRowsFrom = (param: string) =>
  `SELECT i.workspace_id, i.id, i.user_id, i.type, i.payload, i.at FROM jsonb_to_recordset(${param}::jsonb)
     AS i(workspace_id uuid, id uuid, user_id uuid, type text, payload jsonb, at timestamptz)`;

export const feedJson = (items: readonly FeedItem[]): string =>
  JSON.stringify(
    items.map((i) => ({
      workspace_id: i.workspaceId,
      id: i.id,
      user_id: i.userId,
      type: i.type,
      payload: i.payload,
      at: i.at,
    })),
  );

/** Stores items made with feedItem, in the transaction of the change they report (one statement). */
export async function insertFeedItems(tx: Tx, items: readonly FeedItem[]): Promise<void> {
  if (items.length === 0) return;
  if (items.length === 1) {
    const [item] = items as [FeedItem];
    await tx.query(
      `INSERT INTO agent_feed (workspace_id, id, user_id, type, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [item.workspaceId, item.id, item.userId, item.type, JSON.stringify(item.payload), item.at],
      { prepare: true },
    );
    return;
  }
  await tx.query(`${FEED_INSERT} ${feedRowsFrom('$1')}`, [feedJson(items)], { prepare: true });
}

/**
 * Items after `since` for one user (theirs and the workspace-wide ones). Transactions commit in
 * an order their ids do not promise (ids are taken before commit), so the read starts a few
 * seconds before the cursor and the client drops ids it has already seen.
 */
export async function readFeedSince(
  db: Database,
  input: { workspaceId: string; userId: string; since: string; limit?: number },
): Promise<FeedItem[]> {
  const overlapMs = 5_000;
  const sinceMs = parseInt(input.since.replace(/-/g, '').slice(0, 12), 16);
  const from = Number.isFinite(sinceMs) ? uuidFloor(sinceMs - overlapMs) : input.since;
  const rows = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{
      id: string;
      user_id: string | null;
      type: FeedType;
      payload: Record<string, unknown>;
      created_at: Date;
    }>(
      `SELECT id, user_id, type, payload, created_at FROM agent_feed
       WHERE workspace_id = $1 AND id > $2 AND (user_id IS NULL OR user_id = $3)
       ORDER BY id LIMIT $4`,
      [input.workspaceId, from, input.userId, input.limit ?? 5_000],
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    workspaceId: input.workspaceId,
    userId: r.user_id,
    type: r.type,
    payload: r.payload,
    at: new Date(r.created_at).toISOString(),
  }));
}

function uuidFloor(ms: number): string {
  const hex = Math.max(0, ms).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

type Listener = (item: FeedItem | Signal) => void;

export type FeedBus = {
  publish(items: readonly (FeedItem | Signal)[]): void;
  /** Listens to one user's items and the workspace-wide ones. */
  subscribe(workspaceId: string, userId: string, listener: Listener): () => void;
  listeners(): number;
};

/** In-process fan-out by workspace and user (one hub process; see docs/service-desk.md). */
export function createFeedBus(): FeedBus {
  const byWorkspace = new Map<string, Map<string, Set<Listener>>>();
  let count = 0;
  return {
    publish(items) {
      for (const item of items) {
        const users = byWorkspace.get(item.workspaceId);
        if (!users) continue;
        if (item.userId) users.get(item.userId)?.forEach((l) => l(item));
        else for (const set of users.values()) set.forEach((l) => l(item));
      }
    },
    subscribe(workspaceId, userId, listener) {
      let users = byWorkspace.get(workspaceId);
      if (!users) byWorkspace.set(workspaceId, (users = new Map()));
      let set = users.get(userId);
      if (!set) users.set(userId, (set = new Set()));
      set.add(listener);
      count++;
      return () => {
        if (set.delete(listener)) count--;
        if (set.size === 0) users.delete(userId);
        if (users.size === 0) byWorkspace.delete(workspaceId);
      };
    },
    listeners: () => count,
  };
}
