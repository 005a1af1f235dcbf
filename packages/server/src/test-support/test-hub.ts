// A real hub for tests: PGlite in memory, or — when TEST_DATABASE_URL names a server — a fresh
// PostgreSQL database created for this test file and dropped afterwards.
import { randomBytes } from 'node:crypto';
import { buildApp, type BuiltApp } from '../app.ts';
import { createLogger } from '../core/logger.ts';
import type { Database } from '../db/database.ts';
import { openDatabase, type OpenedDatabase } from '../db/open-database.ts';
import { createScratchDatabase } from '../db/scratch-database.ts';

export type TestHub = BuiltApp & {
  database: OpenedDatabase;
  /** The server database's URL (with TEST_DATABASE_URL); absent on PGlite. */
  databaseUrl?: string;
  stop(): Promise<void>;
};

export async function startTestHub(): Promise<TestHub> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  let dropDatabase: (() => Promise<void>) | null = null;
  let database: OpenedDatabase;
  let databaseUrl: string | undefined;
  if (serverUrl) {
    const scratch = await createScratchDatabase(serverUrl, 'pishkhan_test');
    database = await openDatabase({ databaseUrl: scratch.url });
    databaseUrl = scratch.url;
    dropDatabase = scratch.drop;
  } else {
    database = await openDatabase({ inMemory: true });
  }
  const built = await hubOn(database.db);
  return {
    ...built,
    database,
    ...(databaseUrl ? { databaseUrl } : {}),
    async stop() {
      await built.close();
      await database.close();
      await dropDatabase?.();
    },
  };
}

/** Another hub process on the test hub's database, as a second server of one deployment (close it). */
export function startAnotherHub(hub: TestHub): Promise<BuiltApp> {
  return hubOn(hub.database.db);
}

function hubOn(db: Database): Promise<BuiltApp> {
  return buildApp({ db, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), ingestFlushMs: 1 });
}

type Json = Record<string, unknown>;

/** Signs up a workspace owner (first sign-up, or by invitation on a shared hub) and creates a source. */
export async function newWorkspace(
  hub: TestHub,
  name = `ws-${randomBytes(3).toString('hex')}`,
): Promise<{ token: string; workspaceId: string; writeKey: string; sourceId: string }> {
  const email = `${name}@example.com`;
  let signup = await hub.app.inject({
    method: 'POST',
    url: '/api/signup',
    payload: { email, password: 'a-long-Passw0rd!', workspace: name },
  });
  if (signup.statusCode === 403) {
    // Sign-up is closed after the first owner: make another workspace directly, as an operator would.
    const { createWorkspaceWithOwner } = await import('../workspaces/workspaces.service.ts');
    const { hash } = await import('@node-rs/argon2');
    await hub.database.db.asSystem(async (tx) =>
      createWorkspaceWithOwner(tx, {
        workspace: name,
        email,
        name: null,
        passwordHash: await hash('a-long-Passw0rd!'),
        isDemo: false,
      }),
    );
    signup = await hub.app.inject({
      method: 'POST',
      url: '/api/signin',
      payload: { email, password: 'a-long-Passw0rd!' },
    });
  }
  const session = signup.json() as { token: string; workspaceId: string };
  const source = (
    await hub.app.inject({
      method: 'POST',
      url: '/api/sources',
      headers: { authorization: `Bearer ${session.token}` },
      payload: { name: 'website' },
    })
  ).json() as { id: string; writeKey: string };
  return {
    token: session.token,
    workspaceId: session.workspaceId,
    writeKey: source.writeKey,
    sourceId: source.id,
  };
}

export function basic(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

/** A Segment call to the test hub, or to another hub built on its database. */
export async function send(hub: Pick<BuiltApp, 'app'>, writeKey: string, endpoint: string, body: Json) {
  return hub.app.inject({
    method: 'POST',
    url: `/v1/${endpoint}`,
    headers: { authorization: basic(writeKey), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

export async function get(hub: TestHub, token: string, url: string) {
  return hub.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

/** A member invited by the workspace's owner (`ownerToken`) with `role`, signed up: their session. */
export async function inviteMember(
  hub: TestHub,
  ownerToken: string,
  member: { name: string; role: string },
): Promise<{ token: string; userId: string }> {
  const email = `${member.name}@example.com`;
  const invited = await hub.app.inject({
    method: 'POST',
    url: '/api/invitations',
    headers: { authorization: `Bearer ${ownerToken}` },
    payload: { email, role: member.role },
  });
  if (invited.statusCode >= 300) throw new Error(`invitation refused: ${invited.body}`);
  const { invitation } = invited.json() as { invitation: string };
  const signedUp = await hub.app.inject({
    method: 'POST',
    url: '/api/signup',
    payload: { email, password: 'a-long-Passw0rd!', name: member.name, invitation },
  });
  if (signedUp.statusCode >= 300) throw new Error(`sign-up refused: ${signedUp.body}`);
  return signedUp.json() as { token: string; userId: string };
}
