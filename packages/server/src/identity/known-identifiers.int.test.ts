// Each hub process keeps the customers of identifiers it has read. A merge, or its undoing, in
// another process moves identifiers to another customer: these tests send an identifier's events
// through one hub while another merges and unmerges its profile, and check where they land.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../app.ts';
import {
  get,
  newWorkspace,
  send,
  startAnotherHub,
  startTestHub,
  type TestHub,
} from '../test-support/test-hub.ts';

let hub: TestHub;
let other: BuiltApp;
let ws: Awaited<ReturnType<typeof newWorkspace>>;

beforeAll(async () => {
  hub = await startTestHub();
  other = await startAnotherHub(hub);
  ws = await newWorkspace(hub);
});
afterAll(async () => {
  await other.close();
  await hub.stop();
});

async function sendThrough(to: Pick<BuiltApp, 'app'>, endpoint: string, body: Record<string, unknown>) {
  const reply = await send(to, ws.writeKey, endpoint, body);
  expect(reply.statusCode, reply.body).toBe(200);
}

const customerOf = async (type: string, value: string) =>
  (await get(hub, ws.token, `/api/customers/lookup?type=${type}&value=${value}`)).json().id as string;

const messageIdsOf = async (customerId: string) =>
  (await get(hub, ws.token, `/api/customers/${customerId}/timeline?limit=100`))
    .json()
    .events.map((e: { messageId: string }) => e.messageId);

describe('identifiers a hub process remembers', () => {
  it('puts an anonymous visitor’s next event on the survivor when another hub merged the visitor', async () => {
    // The first page creates the visitor; the second is resolved from the database, and this hub keeps it.
    await sendThrough(hub, 'page', { anonymousId: 'kept-anon', messageId: 'kept-1', name: 'Home' });
    await sendThrough(hub, 'page', { anonymousId: 'kept-anon', messageId: 'kept-2', name: 'Pricing' });
    const visitor = await customerOf('anonymousId', 'kept-anon');

    // The visitor signs up through the other hub: a new profile for the userId absorbs the visitor.
    await sendThrough(other, 'identify', {
      userId: 'kept-user',
      anonymousId: 'kept-anon',
      messageId: 'kept-3',
    });
    const survivor = await customerOf('userId', 'kept-user');
    expect(survivor).not.toBe(visitor);
    expect(await customerOf('anonymousId', 'kept-anon')).toBe(survivor);

    await sendThrough(hub, 'track', {
      anonymousId: 'kept-anon',
      messageId: 'kept-4',
      event: 'Cart Viewed',
    });
    expect(await messageIdsOf(survivor)).toContain('kept-4');

    // Undone through the other hub: the visitor's identifier and its events go back to it.
    const [merge] = (await get(hub, ws.token, `/api/customers/${survivor}/merges`)).json().merges;
    const undo = await other.app.inject({
      method: 'POST',
      url: `/api/merges/${merge.id}/undo`,
      headers: { authorization: `Bearer ${ws.token}` },
    });
    expect(undo.statusCode, undo.body).toBe(200);
    await sendThrough(hub, 'track', {
      anonymousId: 'kept-anon',
      messageId: 'kept-5',
      event: 'Cart Viewed',
    });
    expect(await customerOf('anonymousId', 'kept-anon')).toBe(visitor);
    expect(await messageIdsOf(visitor)).toContain('kept-5');
    expect(await messageIdsOf(survivor)).not.toContain('kept-5');
  });
});
