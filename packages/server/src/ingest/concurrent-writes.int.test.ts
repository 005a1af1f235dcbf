// Ingest lets the next group resolve identities while the previous one still appends its events
// and commits, and several hub processes may share a database. These tests send one workspace's
// events through two hubs at once and check what serial writing would have given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../app.ts';
import { seededRandom } from '../core/seeded-random.ts';
import { newWorkspace, startAnotherHub, startTestHub, type TestHub } from '../test-support/test-hub.ts';
import { normalizeEvent } from './normalize-event.ts';
import type { SegmentCall } from './segment.schema.ts';
import { writeBatch } from './write-batch.ts';
import { createKnownIdentifiers, type KnownIdentifiers } from '../identity/known-identifiers.ts';

let hub: TestHub;
let second: BuiltApp;
let ws: Awaited<ReturnType<typeof newWorkspace>>;

beforeAll(async () => {
  hub = await startTestHub();
  second = await startAnotherHub(hub);
  ws = await newWorkspace(hub);
});
afterAll(async () => {
  await second.close();
  await hub.stop();
});

type Call = Record<string, unknown>;

/**
 * Sends the calls in batches of `size`, alternating between the two hubs, a new batch every
 * millisecond without waiting for replies: each hub writes a stream of small groups, so groups of
 * both hubs overlap.
 */
async function sendConcurrently(calls: Call[], size: number): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}`;
  const batches = [];
  for (let i = 0; i < calls.length; i += size) batches.push(calls.slice(i, i + size));
  const replies = await Promise.all(
    batches.map(async (batch, i) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(i / 2)));
      return (i % 2 === 0 ? hub.app : second.app).inject({
        method: 'POST',
        url: '/v1/batch',
        headers: { authorization },
        payload: { batch },
      });
    }),
  );
  for (const reply of replies) expect(reply.statusCode, reply.body).toBe(200);
}

const sql = <T>(text: string, params: unknown[] = []) =>
  hub.database.db.asSystem((tx) => tx.query<T>(text, params));

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('ingest written by overlapping transactions and two hubs', () => {
  it('puts a new user whose events arrive in many concurrent batches on one customer', async () => {
    const random = seededRandom(7);
    const calls = shuffle(
      Array.from({ length: 600 }, (_, i) => ({
        type: 'track',
        event: 'Product Viewed',
        userId: `conc-${i % 30}`,
        messageId: `conc-track-${i}`,
        context: { traits: { email: `conc-${i % 30}@example.com` } },
      })),
      random,
    );
    await sendConcurrently(calls, 4);
    const owners = await sql<{ value: string; customers: number }>(
      `SELECT value, count(DISTINCT customer_id)::int AS customers FROM identities
       WHERE workspace_id = $1 AND type = 'userId' AND value LIKE 'conc-%' GROUP BY value`,
      [ws.workspaceId],
    );
    expect(owners).toHaveLength(30);
    expect(owners.every((o) => o.customers === 1)).toBe(true);
    const [stray] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM events e
       JOIN identities i ON i.workspace_id = e.workspace_id AND i.type = 'userId' AND i.value = e.user_id
       WHERE e.workspace_id = $1 AND e.message_id LIKE 'conc-track-%' AND e.customer_id <> i.customer_id`,
      [ws.workspaceId],
    );
    expect(stray!.n).toBe(0);
    const [stored] = await sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE workspace_id = $1 AND message_id LIKE 'conc-track-%'",
      [ws.workspaceId],
    );
    expect(stored!.n).toBe(600);
  });

  it('moves every event of a merged profile, including events committed while the merge ran', async () => {
    const random = seededRandom(11);
    const anonymous = Array.from({ length: 400 }, (_, i) => ({
      type: 'page',
      name: 'Home',
      anonymousId: `anon-${i % 40}`,
      messageId: `merge-page-${i}`,
    }));
    // Each visitor signs in once: identify links the anonymous profile to a known user.
    const signIns = Array.from({ length: 40 }, (_, i) => ({
      type: 'identify',
      userId: `member-${i}`,
      anonymousId: `anon-${i}`,
      messageId: `merge-identify-${i}`,
    }));
    await sendConcurrently(
      Array.from({ length: 40 }, (_, i) => ({
        type: 'identify',
        userId: `member-${i}`,
        messageId: `merge-known-${i}`,
        traits: { email: `member-${i}@example.com` },
      })),
      10,
    );
    await sendConcurrently(shuffle([...anonymous, ...signIns], random), 4);
    const [onMerged] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM events e JOIN customers c ON c.workspace_id = e.workspace_id AND c.id = e.customer_id
       WHERE e.workspace_id = $1 AND c.merged_into IS NOT NULL`,
      [ws.workspaceId],
    );
    expect(onMerged!.n).toBe(0);
    const perMember = await sql<{ customers: number }>(
      `SELECT count(DISTINCT customer_id)::int AS customers FROM events
       WHERE workspace_id = $1 AND (message_id LIKE 'merge-%') GROUP BY coalesce(user_id, replace(anonymous_id, 'anon-', 'member-'))`,
      [ws.workspaceId],
    );
    expect(perMember).toHaveLength(40);
    expect(perMember.every((m) => m.customers === 1)).toBe(true);
  });

  it('keeps the most recent trait value when concurrent batches change it', async () => {
    const random = seededRandom(13);
    const start = Date.parse('2026-01-01T00:00:00Z');
    const calls = shuffle(
      Array.from({ length: 200 }, (_, i) => ({
        type: 'identify',
        userId: `trait-${i % 5}`,
        messageId: `trait-${i}`,
        timestamp: new Date(start + i * 60_000).toISOString(),
        traits: { plan: `plan-${i}` },
      })),
      random,
    );
    await sendConcurrently(calls, 2);
    const plans = await sql<{ user_id: string; plan: string }>(
      `SELECT i.value AS user_id, c.traits->>'plan' AS plan FROM identities i
       JOIN customers c ON c.workspace_id = i.workspace_id AND c.id = i.customer_id
       WHERE i.workspace_id = $1 AND i.type = 'userId' AND i.value LIKE 'trait-%' ORDER BY i.value`,
      [ws.workspaceId],
    );
    expect(plans).toEqual([0, 1, 2, 3, 4].map((u) => ({ user_id: `trait-${u}`, plan: `plan-${195 + u}` })));
  });
});

// Exact interleavings: a first transaction is held open after it handed the identity lock on
// and appended its events; a second one runs meanwhile. PGlite runs one transaction at a time,
// so there is nothing to interleave there.
describe.skipIf(!process.env.TEST_DATABASE_URL)('a transaction still committing its events', () => {
  const source = { sourceId: null, sourceName: 'test', channel: 'web', traitPriority: 0 };
  const event = (call: Record<string, unknown>) => normalizeEvent(call as SegmentCall, new Date(), source);

  /** Runs `first` and holds it open after it wrote, runs `second`, then lets `first` commit. */
  async function interleave(first: Call[], second: Call[], known?: KnownIdentifiers): Promise<void> {
    const options = { knownIdentifiers: known };
    const db = hub.database.db;
    let written = () => {};
    const firstWritten = new Promise<void>((resolve) => (written = resolve));
    let commit = () => {};
    const mayCommit = new Promise<void>((resolve) => (commit = resolve));
    const one = db.inWorkspace(
      ws.workspaceId,
      async (tx) => {
        await writeBatch(tx, ws.workspaceId, first.map(event), options);
        // Sends what waits for the COMMIT (profile updates, events, the identity lock's hand-over)
        // and stays open: as a transaction whose COMMIT is still being flushed to disk.
        await tx.query('SELECT 1');
        written();
        await mayCommit;
      },
      { exclusive: true, releasable: true },
    );
    await firstWritten;
    const two = db.inWorkspace(
      ws.workspaceId,
      (tx) => writeBatch(tx, ws.workspaceId, second.map(event), options),
      {
        exclusive: true,
        releasable: true,
      },
    );
    // Long enough for the second to reach the point where it must wait for the first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    commit();
    await Promise.all([one, two]);
  }

  // Known: the later transaction reads the profile with its first round trip, as soon as it holds
  // the identity lock; it must still wait there for the committing one's change.
  it.each([
    ['looks the customer up', 'held-1', undefined],
    ['knows the customer', 'held-2', createKnownIdentifiers(1000)],
  ])(
    'lets a later transaction that %s read a trait the committing one changed, not the value before it',
    async (_, userId, known) => {
      await sendConcurrently([{ type: 'identify', userId, messageId: `${userId}-a`, traits: {} }], 1);
      // A transaction that finds the customer stored lets a process keep it.
      if (known)
        await hub.database.db.inWorkspace(
          ws.workspaceId,
          (tx) =>
            writeBatch(
              tx,
              ws.workspaceId,
              [event({ type: 'track', event: 'Seen', userId, messageId: `${userId}-0` })],
              { knownIdentifiers: known },
            ),
          { exclusive: true },
        );
      await interleave(
        [
          {
            type: 'identify',
            userId,
            messageId: `${userId}-b`,
            timestamp: '2026-03-02T00:00:00Z',
            traits: { plan: 'newer' },
          },
        ],
        [
          {
            type: 'identify',
            userId,
            messageId: `${userId}-c`,
            timestamp: '2026-03-01T00:00:00Z',
            traits: { plan: 'older' },
          },
        ],
        known,
      );
      const [row] = await sql<{ plan: string }>(
        `SELECT c.traits->>'plan' AS plan FROM identities i JOIN customers c ON c.workspace_id = i.workspace_id AND c.id = i.customer_id
       WHERE i.workspace_id = $1 AND i.type = 'userId' AND i.value = $2`,
        [ws.workspaceId, userId],
      );
      expect(row!.plan).toBe('newer');
    },
  );

  it('moves the events of the committing transaction when a later one merges their profile', async () => {
    await sendConcurrently(
      [
        { type: 'page', name: 'Home', anonymousId: 'held-anon', messageId: 'held-anon-1' },
        { type: 'identify', userId: 'held-member', messageId: 'held-member-1', traits: {} },
      ],
      1,
    );
    await interleave(
      [{ type: 'page', name: 'Cart', anonymousId: 'held-anon', messageId: 'held-anon-2' }],
      [{ type: 'identify', userId: 'held-member', anonymousId: 'held-anon', messageId: 'held-member-2' }],
    );
    const rows = await sql<{ merged: boolean }>(
      `SELECT c.merged_into IS NOT NULL AS merged FROM events e
       JOIN customers c ON c.workspace_id = e.workspace_id AND c.id = e.customer_id
       WHERE e.workspace_id = $1 AND (e.message_id LIKE 'held-anon-%' OR e.message_id LIKE 'held-member-%')`,
      [ws.workspaceId],
    );
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.merged)).toEqual([]);
  });
});
