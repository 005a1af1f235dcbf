import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, inviteMember, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import {
  ALWAYS_OPEN,
  openApiDesk,
  postSigned,
  startDeskHub,
  startPeer,
  testAdapter,
  waitFor,
} from './testing/desk-test-hub.ts';

const SECRET = 'assign-secret-1234';

describe('automatic assignment', () => {
  let hub: TestHub;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let peer: Awaited<ReturnType<typeof startPeer>>;
  let inboxId: string;
  const agents: Record<string, string> = {};
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  let n = 0;

  const call = async (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: unknown) => {
    const response = await hub.app.inject({ method, url, headers: as(ws.token), payload: payload as object });
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json() as Record<string, unknown>;
  };

  async function addAgent(name: string, settings: { capacity?: number; languages?: string[] }) {
    const { userId } = await inviteMember(hub, ws.token, { name, role: 'agent' });
    agents[name] = userId;
    await call('PUT', `/api/agents/${userId}/settings`, settings);
  }

  /** A new customer writes; returns who their new conversation went to. */
  async function newCustomerWrites(text = 'hello'): Promise<string | null> {
    const id = `m-${++n}`;
    await postSigned(hub, inboxId, SECRET, {
      messages: [{ id, from: [{ type: 'email', value: `c${n}@example.com` }], text }],
    });
    const customer = await waitFor(async () => {
      const r = await get(hub, ws.token, `/api/customers/lookup?type=email&value=c${n}@example.com`);
      return r.statusCode === 200 ? (r.json() as { id: string }) : null;
    });
    const conversation = await waitFor(async () => {
      const list = (await get(hub, ws.token, `/api/conversations?customerId=${customer.id}`)).json() as {
        conversations: { assigneeId: string | null }[];
      };
      return list.conversations[0] ?? null;
    });
    return conversation.assigneeId;
  }

  beforeAll(async () => {
    hub = await startDeskHub({ slaSweepMs: 3_600_000 });
    hub.desk.registerAdapter(testAdapter('api'));
    ws = await newWorkspace(hub);
    peer = await startPeer();
    inboxId = await openApiDesk(hub, ws.token, { secret: SECRET, peerUrl: peer.url });
  });
  afterAll(async () => {
    await hub.stop();
    await peer.close();
  });

  it('changes one desk setting without resetting the others', async () => {
    const changed = await call('PATCH', '/api/desk/settings', { assignment: 'capacity' });
    expect(changed).toMatchObject({ assignment: 'capacity', week: ALWAYS_OPEN, officialHolidays: false });
  });

  it('gives each new conversation to the agent with the smallest share of capacity in use', async () => {
    await addAgent('dara', { capacity: 4 });
    await addAgent('elham', { capacity: 2 });
    const taken: (string | null)[] = [];
    for (let i = 0; i < 6; i++) taken.push(await newCustomerWrites());
    // Each goes where the load over capacity is lowest; a tie goes to the one assigned longest
    // ago (never assigned first, then the earlier user): 0/4 = 0/2, 1/4 < 1/2... until both are full.
    const { dara, elham } = agents;
    expect(taken).toEqual([dara, elham, dara, elham, dara, dara]);
    // Both full: the next one waits in the queue.
    expect(await newCustomerWrites()).toBeNull();
  });

  it('takes turns, skipping agents who are full or do not speak the language', async () => {
    await call('PATCH', '/api/desk/settings', { assignment: 'round_robin' });
    await call('PUT', `/api/agents/${agents.dara}/settings`, { capacity: 100 });
    await call('PUT', `/api/agents/${agents.elham}/settings`, { capacity: 100, languages: ['fa'] });
    await addAgent('farhad', { capacity: 100 });
    const english = [await newCustomerWrites('hello'), await newCustomerWrites('hello again')];
    // elham speaks Persian only: the English conversations go to dara and farhad in turn.
    expect(new Set(english)).toEqual(new Set([agents.dara, agents.farhad]));
    // A Persian one: elham has waited longest of those who speak it.
    expect(await newCustomerWrites('سلام، سفارشم نرسیده')).toBe(agents.elham);
  });
});
