import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, send, startTestHub, type TestHub } from '../test-support/test-hub.ts';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;

beforeAll(async () => {
  hub = await startTestHub();
  ws = await newWorkspace(hub);
});
afterAll(() => hub.stop());

describe('customers, accounts and the timeline', () => {
  it('pages the timeline newest first by cursor and filters by channel and type', async () => {
    const batch = Array.from({ length: 25 }, (_, i) => ({
      type: 'track',
      userId: 'timeline-user',
      event: `Step ${i}`,
      channel: i % 2 ? 'email' : 'web',
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    }));
    expect((await send(hub, ws.writeKey, 'batch', { batch })).statusCode).toBe(200);
    const id = (await get(hub, ws.token, '/api/customers/lookup?type=userId&value=timeline-user')).json().id;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { events: { event: string }[]; nextCursor: string | null } = (
        await get(hub, ws.token, `/api/customers/${id}/timeline?limit=10${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.events.map((e) => e.event));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(batch.map((b) => b.event).reverse());
    const email = (await get(hub, ws.token, `/api/customers/${id}/timeline?channel=email`)).json();
    expect(email.events).toHaveLength(12);
    expect(email.events.every((e: { channel: string }) => e.channel === 'email')).toBe(true);
    const identifies = (await get(hub, ws.token, `/api/customers/${id}/timeline?type=identify`)).json();
    expect(identifies.events).toHaveLength(0);
  });

  it('answers 404 for an unknown customer and 400 for a bad id or cursor', async () => {
    expect((await get(hub, ws.token, `/api/customers/${randomUUID()}`)).statusCode).toBe(404);
    const badId = await get(hub, ws.token, '/api/customers/not-an-id/timeline');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.field).toBe('params.id');
    const any = (await get(hub, ws.token, '/api/customers/lookup?type=userId&value=timeline-user')).json().id;
    expect(
      (await get(hub, ws.token, `/api/customers/${any}/timeline?cursor=garbage`)).json().error.code,
    ).toBe('PSK_CURSOR_INVALID');
    expect((await get(hub, ws.token, `/api/customers/${any}/timeline?limit=5000`)).statusCode).toBe(400);
  });

  it('builds a B2B account with a buying committee from group calls', async () => {
    await send(hub, ws.writeKey, 'group', {
      userId: 'buyer-1',
      groupId: 'acme',
      traits: { name: 'Acme Co', tier: 'key', kind: 'b2b' },
      context: { membership: { roles: ['economic_buyer'] } },
    });
    await send(hub, ws.writeKey, 'group', {
      userId: 'buyer-2',
      groupId: 'acme',
      traits: {},
      context: { membership: { roles: ['champion', 'user'] } },
    });
    const buyer = (await get(hub, ws.token, '/api/customers/lookup?type=userId&value=buyer-2')).json();
    expect(buyer.customerType).toBe('b2b');
    expect(buyer.accounts).toEqual([
      expect.objectContaining({ groupId: 'acme', name: 'Acme Co', tier: 'key', roles: ['champion', 'user'] }),
    ]);
    const account = (await get(hub, ws.token, `/api/accounts/${buyer.accounts[0].id}`)).json();
    expect(account.members).toHaveLength(2);
  });

  it('records an organisation as a customer of kind organization', async () => {
    await send(hub, ws.writeKey, 'identify', {
      userId: 'org-1',
      traits: { kind: 'organization', name: 'شرکت نمونه', customerType: 'b2b' },
    });
    const org = (await get(hub, ws.token, '/api/customers/lookup?type=userId&value=org-1')).json();
    expect(org).toMatchObject({ kind: 'organization', customerType: 'b2b' });
  });

  it('sets an account manager, tier and member roles through the API', async () => {
    const me = (await get(hub, ws.token, '/api/me')).json();
    const account = await hub.app.inject({
      method: 'PUT',
      url: '/api/accounts',
      headers: { authorization: `Bearer ${ws.token}` },
      payload: { groupId: 'ministry', name: 'وزارت نمونه', kind: 'b2g', tier: 'key', ownerUserId: me.userId },
    });
    expect(account.json()).toMatchObject({ kind: 'b2g', tier: 'key', ownerUserId: me.userId });
    await send(hub, ws.writeKey, 'identify', { userId: 'official' });
    const official = (await get(hub, ws.token, '/api/customers/lookup?type=userId&value=official')).json();
    const member = await hub.app.inject({
      method: 'PUT',
      url: `/api/accounts/${account.json().id}/members/${official.id}`,
      headers: { authorization: `Bearer ${ws.token}` },
      payload: { roles: ['decision_maker', 'operator'] },
    });
    expect(member.json().members).toEqual([
      { customerId: official.id, roles: ['decision_maker', 'operator'] },
    ]);
    expect((await get(hub, ws.token, `/api/customers/${official.id}`)).json().customerType).toBe('b2g');
    const badRole = await hub.app.inject({
      method: 'PUT',
      url: `/api/accounts/${account.json().id}/members/${official.id}`,
      headers: { authorization: `Bearer ${ws.token}` },
      payload: { roles: ['king'] },
    });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().error.field).toBe('body.roles.0');
  });
});
