// What a group of events costs in round trips: each one wakes the server and then the hub, and on a
// machine whose cores are shared that, more than the statements, is what a group's latency is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../db/database.ts';
import { createKnownIdentifiers, type KnownIdentifiers } from '../identity/known-identifiers.ts';
import { newWorkspace, startTestHub, type TestHub } from '../test-support/test-hub.ts';
import { normalizeEvent } from './normalize-event.ts';
import type { SegmentCall } from './segment.schema.ts';
import { writeBatch } from './write-batch.ts';

let hub: TestHub;
let workspaceId: string;

beforeAll(async () => {
  hub = await startTestHub();
  ({ workspaceId } = await newWorkspace(hub));
});
afterAll(() => hub.stop());

const source = { sourceId: null, sourceName: 'test', channel: 'web', traitPriority: 0 };
const event = (call: Record<string, unknown>) => normalizeEvent(call as SegmentCall, new Date(), source);

/** Writes the calls in one group, as the ingest pipeline does; how many times it asked the database. */
async function roundTripsOf(calls: Record<string, unknown>[], known: KnownIdentifiers) {
  let trips = 0;
  await hub.database.db.inWorkspace(
    workspaceId,
    (tx) => {
      // Reads are round trips; writes and appended rows wait for the next one, or the COMMIT.
      const counted: Tx = {
        ...tx,
        query: (...args) => (trips++, tx.query(...args)),
        queries: (statements) => (trips++, tx.queries(statements)),
      };
      return writeBatch(counted, workspaceId, calls.map(event), { knownIdentifiers: known });
    },
    { exclusive: true, releasable: true, openWithFirstQuery: true },
  );
  return trips;
}

async function traitsOf(userId: string) {
  const [profile] = await hub.database.db.asSystem((tx) =>
    tx.query<{ traits: Record<string, unknown> }>(
      `SELECT c.traits FROM identities i JOIN customers c ON c.workspace_id = i.workspace_id AND c.id = i.customer_id
       WHERE i.workspace_id = $1 AND i.type = 'userId' AND i.value = $2`,
      [workspaceId, userId],
    ),
  );
  return profile?.traits;
}

describe('a group of events of known customers', () => {
  it('reads the profiles it updates with its repeat check: one round trip before the commit', async () => {
    const known = createKnownIdentifiers(1000);
    // The first group creates the customer; the second finds it stored, and the process keeps it.
    await roundTripsOf(
      [{ type: 'identify', userId: 'trips-1', messageId: 'trips-1-a', traits: { plan: 'پایه' } }],
      known,
    );
    await roundTripsOf(
      [{ type: 'track', event: 'Signed In', userId: 'trips-1', messageId: 'trips-1-b' }],
      known,
    );
    const trips = await roundTripsOf(
      [
        { type: 'track', event: 'Viewed', userId: 'trips-1', messageId: 'trips-1-c' },
        {
          type: 'identify',
          userId: 'trips-1',
          messageId: 'trips-1-d',
          timestamp: new Date(Date.now() + 1000).toISOString(),
          traits: { plan: 'ویژه', city: 'Tabriz' },
        },
      ],
      known,
    );
    expect(trips).toBe(1);
    expect(await traitsOf('trips-1')).toMatchObject({ plan: 'ویژه', city: 'Tabriz' });
  });

  it('reads the profile of a customer it did not know once it is decided, in a second round trip', async () => {
    const trips = await roundTripsOf(
      [{ type: 'identify', userId: 'trips-2', messageId: 'trips-2-a', traits: { plan: 'پایه' } }],
      createKnownIdentifiers(1000),
    );
    // New customer: the look-up, then the new profile's traits (its row is appended unread).
    expect(trips).toBe(2);
    expect(await traitsOf('trips-2')).toMatchObject({ plan: 'پایه' });
  });
});
