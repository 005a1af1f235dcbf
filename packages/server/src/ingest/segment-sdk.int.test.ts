// The official Segment Node SDK, unchanged, against a listening hub over a real socket.
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, startTestHub, type TestHub } from '../test-support/test-hub.ts';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;
let host: string;

beforeAll(async () => {
  hub = await startTestHub();
  ws = await newWorkspace(hub);
  host = await hub.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => hub.stop());

describe('Segment SDK compatibility', () => {
  it('lands events sent with @segment/analytics-node on the right customer', async () => {
    const analytics = new Analytics({
      writeKey: ws.writeKey,
      host,
      flushAt: 3,
      flushInterval: 50,
      maxRetries: 0,
    });
    const failures: unknown[] = [];
    analytics.on('error', (e) => failures.push(e));
    analytics.identify({
      userId: 'sdk-user',
      traits: { email: 'SDK@example.ir', phone: '+98 912 000 1111', name: 'کاربر SDK' },
    });
    analytics.track({
      userId: 'sdk-user',
      event: 'Order Completed',
      properties: { revenue: 99000, products: [{ product_id: 'p-1' }] },
    });
    analytics.page({ anonymousId: 'sdk-anon', name: 'Home' });
    analytics.alias({ userId: 'sdk-user', previousId: 'sdk-anon' });
    analytics.group({ userId: 'sdk-user', groupId: 'sdk-co', traits: { name: 'SDK Co', tier: 'mid' } });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(failures).toEqual([]);

    const customer = (await get(hub, ws.token, '/api/customers/lookup?type=phone&value=09120001111')).json();
    expect(customer.traits.name).toBe('کاربر SDK');
    expect(customer.accounts.map((a: { groupId: string }) => a.groupId)).toEqual(['sdk-co']);
    const anon = (await get(hub, ws.token, '/api/customers/lookup?type=anonymousId&value=sdk-anon')).json();
    expect(anon.id).toBe(customer.id);
    const timeline = (await get(hub, ws.token, `/api/customers/${customer.id}/timeline`)).json();
    expect(timeline.events.map((e: { type: string }) => e.type).sort()).toEqual([
      'alias',
      'group',
      'identify',
      'page',
      'track',
    ]);
    const track = timeline.events.find((e: { type: string }) => e.type === 'track');
    expect(track.context.library.name).toBe('@segment/analytics-node');
  });
});
