import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, send, startTestHub, type TestHub } from '../test-support/test-hub.ts';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;

beforeAll(async () => {
  hub = await startTestHub();
  ws = await newWorkspace(hub);
});
afterAll(() => hub.stop());

const lookup = async (type: string, value: string) =>
  get(hub, ws.token, `/api/customers/lookup?type=${type}&value=${encodeURIComponent(value)}`);
const idOf = async (type: string, value: string) => (await lookup(type, value)).json().id as string;

describe('identity resolution', () => {
  it('merges an anonymous visitor into the customer who identifies with a known email, and can undo it', async () => {
    await send(hub, ws.writeKey, 'identify', { userId: 'u-100', traits: { email: 'reza@example.ir' } });
    await send(hub, ws.writeKey, 'page', { anonymousId: 'anon-100', name: 'Pricing' });
    await send(hub, ws.writeKey, 'identify', {
      anonymousId: 'anon-100',
      traits: { email: 'REZA@example.ir ', city: 'Shiraz' },
    });
    const id = await idOf('userId', 'u-100');
    expect(await idOf('anonymousId', 'anon-100')).toBe(id);
    const customer = (await get(hub, ws.token, `/api/customers/${id}`)).json();
    expect(customer.traits.city).toBe('Shiraz');
    const timeline = (await get(hub, ws.token, `/api/customers/${id}/timeline`)).json();
    expect(timeline.events.map((e: { type: string }) => e.type).sort()).toEqual([
      'identify',
      'identify',
      'page',
    ]);

    const merges = (await get(hub, ws.token, `/api/customers/${id}/merges`)).json().merges;
    expect(merges).toHaveLength(1);
    expect(merges[0].reason).toContain('email');
    const loserId = merges[0].loserId;
    // The absorbed profile redirects to the survivor.
    const redirected = await get(hub, ws.token, `/api/customers/${loserId}/timeline?limit=5`);
    expect(redirected.statusCode).toBe(308);
    expect(redirected.headers.location).toBe(`/api/customers/${id}/timeline?limit=5`);

    const undo = await hub.app.inject({
      method: 'POST',
      url: `/api/merges/${merges[0].id}/undo`,
      headers: { authorization: `Bearer ${ws.token}` },
    });
    expect(undo.json()).toEqual({ customerId: loserId });
    expect(await idOf('anonymousId', 'anon-100')).toBe(loserId);
    const back = (await get(hub, ws.token, `/api/customers/${loserId}/timeline`)).json();
    expect(back.events.map((e: { type: string }) => e.type)).toEqual(['page']);
    const again = await hub.app.inject({
      method: 'POST',
      url: `/api/merges/${merges[0].id}/undo`,
      headers: { authorization: `Bearer ${ws.token}` },
    });
    expect(again.statusCode).toBe(409);
  });

  it('joins the anonymous history to the user on alias', async () => {
    await send(hub, ws.writeKey, 'track', { anonymousId: 'anon-alias', event: 'Viewed' });
    await send(hub, ws.writeKey, 'identify', { userId: 'u-alias' });
    await send(hub, ws.writeKey, 'alias', { previousId: 'anon-alias', userId: 'u-alias' });
    expect(await idOf('anonymousId', 'anon-alias')).toBe(await idOf('userId', 'u-alias'));
  });

  it('never merges two different userIds, even when they share a device', async () => {
    await send(hub, ws.writeKey, 'identify', { userId: 'parent', anonymousId: 'family-tablet' });
    await send(hub, ws.writeKey, 'identify', { userId: 'child', anonymousId: 'family-tablet' });
    expect(await idOf('userId', 'parent')).not.toBe(await idOf('userId', 'child'));
    expect(await idOf('anonymousId', 'family-tablet')).toBe(await idOf('userId', 'parent'));
  });

  it('does not join customers through a blocked shared value', async () => {
    const rules = await hub.app.inject({
      method: 'PUT',
      url: '/api/identity-rules',
      headers: { authorization: `Bearer ${ws.token}` },
      payload: { blockedValues: [{ type: 'email', value: 'info@shop.ir' }], maxPerType: { email: 3 } },
    });
    expect(rules.statusCode).toBe(200);
    await send(hub, ws.writeKey, 'identify', { userId: 'shop-a', traits: { email: 'info@shop.ir' } });
    await send(hub, ws.writeKey, 'identify', { userId: 'shop-b', traits: { email: 'info@shop.ir' } });
    expect((await lookup('email', 'info@shop.ir')).statusCode).toBe(404);
  });

  it('keeps several emails and phones on one customer', async () => {
    await send(hub, ws.writeKey, 'identify', {
      userId: 'multi',
      traits: { email: 'a@multi.ir', phone: '09120000001' },
    });
    await send(hub, ws.writeKey, 'identify', {
      userId: 'multi',
      traits: { email: 'b@multi.ir', phones: ['09120000002'] },
    });
    const customer = (await lookup('phone', '09120000002')).json();
    expect(customer.identities.filter((i: { type: string }) => i.type === 'email')).toHaveLength(2);
    expect(customer.identities.filter((i: { type: string }) => i.type === 'phone')).toHaveLength(2);
  });

  it('lets a higher-priority source keep its trait against newer web data', async () => {
    const crm = (
      await hub.app.inject({
        method: 'POST',
        url: '/api/sources',
        headers: { authorization: `Bearer ${ws.token}` },
        payload: { name: 'crm', channel: 'crm', traitPriority: 10 },
      })
    ).json();
    await send(hub, crm.writeKey, 'identify', {
      userId: 'prio',
      traits: { name: 'Dr. Karimi' },
      timestamp: '2026-01-01T00:00:00Z',
    });
    await send(hub, ws.writeKey, 'identify', { userId: 'prio', traits: { name: 'karimi', plan: 'gold' } });
    const customer = (await lookup('userId', 'prio')).json();
    expect(customer.traits).toMatchObject({ name: 'Dr. Karimi', plan: 'gold' });
  });

  it('lets a per-trait source priority override the source priority for that trait only', async () => {
    const crm = (
      await hub.app.inject({
        method: 'POST',
        url: '/api/sources',
        headers: { authorization: `Bearer ${ws.token}` },
        payload: { name: 'erp', traitPriority: 10 },
      })
    ).json();
    const rules = await hub.app.inject({
      method: 'PUT',
      url: '/api/identity-rules',
      headers: { authorization: `Bearer ${ws.token}` },
      payload: { traitPriority: { avatar: { website: 50 } } },
    });
    expect(rules.json().traitPriority).toEqual({ avatar: { website: 50 } });
    await send(hub, ws.writeKey, 'identify', {
      userId: 'per-trait',
      traits: { name: 'web name', avatar: 'web.png' },
      timestamp: '2026-01-01T00:00:00Z',
    });
    await send(hub, crm.writeKey, 'identify', {
      userId: 'per-trait',
      traits: { name: 'ERP name', avatar: 'erp.png' },
      timestamp: '2026-02-01T00:00:00Z',
    });
    const customer = (await lookup('userId', 'per-trait')).json();
    expect(customer.traits).toMatchObject({ name: 'ERP name', avatar: 'web.png' });
  });

  it('answers unknown identifier types and invalid values with 400', async () => {
    expect((await lookup('shoeSize', '42')).json().error).toMatchObject({
      code: 'PSK_IDENTIFIER_INVALID',
      field: 'type',
    });
    expect((await lookup('phone', 'not a phone')).json().error).toMatchObject({
      code: 'PSK_IDENTIFIER_INVALID',
      field: 'value',
    });
    expect((await lookup('email', 'nobody@example.ir')).statusCode).toBe(404);
  });
});
