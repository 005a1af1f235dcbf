// Who is calling: user tokens (sessions and API tokens) and source write keys. Both are secrets
// shown once; only their SHA-256 is stored. Look-ups are cached briefly since every ingest call
// authenticates.
import { createHash } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { UserRole } from './workspaces.schema.ts';

export type Principal = { workspaceId: string; userId: string; role: UserRole };
export type SourceKey = {
  workspaceId: string;
  sourceId: string;
  sourceName: string;
  channel: string;
  traitPriority: number;
};

const CACHE_MS = 30_000;
const CACHE_MAX = 10_000;
type Cached<T> = { value: T | null; until: number };

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function cachedLookup<T>(load: (hash: string) => Promise<T | null>) {
  const cache = new Map<string, Cached<T>>();
  return {
    async get(secret: string): Promise<T | null> {
      const hash = hashSecret(secret);
      const hit = cache.get(hash);
      if (hit && hit.until > Date.now()) return hit.value;
      const value = await load(hash);
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(hash, { value, until: Date.now() + CACHE_MS });
      return value;
    },
    forget: () => cache.clear(),
  };
}

export function createAuthenticator(db: Database) {
  const tokens = cachedLookup<Principal & { expiresAt: Date | null }>(async (hash) => {
    const rows = await db.asSystem((tx) =>
      tx.query<{ workspace_id: string; user_id: string; role: UserRole; expires_at: Date | null }>(
        `SELECT t.workspace_id, t.user_id, u.role, t.expires_at FROM api_tokens t
         JOIN users u ON u.workspace_id = t.workspace_id AND u.id = t.user_id WHERE t.token_hash = $1`,
        [hash],
      ),
    );
    const row = rows[0];
    return row
      ? { workspaceId: row.workspace_id, userId: row.user_id, role: row.role, expiresAt: row.expires_at }
      : null;
  });
  const writeKeys = cachedLookup<SourceKey>(async (hash) => {
    const rows = await db.asSystem((tx) =>
      tx.query<{ workspace_id: string; id: string; name: string; channel: string; trait_priority: number }>(
        'SELECT workspace_id, id, name, channel, trait_priority FROM sources WHERE write_key_hash = $1',
        [hash],
      ),
    );
    const row = rows[0];
    return row
      ? {
          workspaceId: row.workspace_id,
          sourceId: row.id,
          sourceName: row.name,
          channel: row.channel,
          traitPriority: row.trait_priority,
        }
      : null;
  });
  return {
    async userFromToken(token: string): Promise<Principal | null> {
      const found = await tokens.get(token);
      if (!found || (found.expiresAt && found.expiresAt.getTime() < Date.now())) return null;
      return { workspaceId: found.workspaceId, userId: found.userId, role: found.role };
    },
    sourceFromWriteKey: (writeKey: string) => writeKeys.get(writeKey),
    forget() {
      tokens.forget();
      writeKeys.forget();
    },
  };
}
export type Authenticator = ReturnType<typeof createAuthenticator>;
