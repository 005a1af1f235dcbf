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
async function roundTripsOf(calls: Record<string, unknown>[], known: KnownIdentifiers, assumeNew = false) {
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
      return writeBatch(counted, workspaceId, calls.map(event), { knownIdentifiers: known, assumeNew });
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
  it('is written in the round trip that commits it, reading nothing, traits settled as they are written', async () => {
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
    const later = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    const trips = await roundTripsOf(
      [
        { type: 'track', event: 'Viewed', userId: 'trips-1', messageId: 'trips-1-c' },
        {
          type: 'identify',
          userId: 'trips-1',
          messageId: 'trips-1-d',
          timestamp: later(2),
          traits: { plan: 'ویژه', city: 'Tabriz' },
        },
        // Older than the one before it: its plan loses, its new trait is taken.
        {
          type: 'identify',
          userId: 'trips-1',
          messageId: 'trips-1-e',
          timestamp: later(1),
          traits: { plan: 'طلایی', name: 'سارا' },
        },
      ],
      known,
      true,
    );
    expect(trips).toBe(0);
    expect(await traitsOf('trips-1')).toEqual({ plan: 'ویژه', city: 'Tabriz', name: 'سارا' });
  });

  it('reads only the look-up of a customer it did not know: its traits go with the commit', async () => {
    const trips = await roundTripsOf(
      [{ type: 'identify', userId: 'trips-2', messageId: 'trips-2-a', traits: { plan: 'پایه' } }],
      createKnownIdentifiers(1000),
      true,
    );
    expect(trips).toBe(1);
    expect(await traitsOf('trips-2')).toMatchObject({ plan: 'پایه' });
  });

  it('fails when it takes a stored messageId to be new, and stores it once when written again', async () => {
    const known = createKnownIdentifiers(1000);
    const calls = [1, 2].map((n) => ({
      type: 'track',
      event: 'Viewed',
      userId: 'trips-3',
      messageId: `trips-3-${n}`,
    }));
    await roundTripsOf(calls.slice(0, 1), known);
    await roundTripsOf(calls.slice(1), known);
    await expect(roundTripsOf(calls, known, true)).rejects.toMatchObject({ code: '23505' });
    await roundTripsOf(calls, known);
    const [stored] = await hub.database.db.asSystem((tx) =>
      tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM events WHERE workspace_id = $1 AND message_id LIKE 'trips-3-%'`,
        [workspaceId],
      ),
    );
    expect(stored!.n).toBe(2);
  });
});
