import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import {
  openApiDesk,
  postSigned,
  startDeskHub,
  startPeer,
  testAdapter,
  waitFor,
} from './testing/desk-test-hub.ts';

type Json = Record<string, unknown>;
const SECRET = 'placement-secret-1234';
const HOUR = 3_600_000;

// Where a customer's message goes, now that finding the conversation, touching it, storing the
// message and its feed rows are single statements (placement.ts, store-message.ts).
describe('placing a customer message', () => {
  let hub: TestHub;
  let peer: Awaited<ReturnType<typeof startPeer>>;
  let clockOffsetMs = 0;
  let n = 0;

  type Desk = { token: string; inboxId: string };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  async function newDesk(settings: Json = {}): Promise<Desk> {
    const ws = await newWorkspace(hub);
    const inboxId = await openApiDesk(hub, ws.token, { secret: SECRET, peerUrl: peer.url, settings });
    return { token: ws.token, inboxId };
  }

  const conversations = async (desk: Desk) =>
    (
      (await get(hub, desk.token, `/api/conversations?inboxId=${desk.inboxId}`)).json() as {
        conversations: Json[];
      }
    ).conversations;
  const conversation = async (desk: Desk, id: unknown) =>
    (await get(hub, desk.token, `/api/conversations/${String(id)}`)).json() as Json;
  const messages = async (desk: Desk, id: unknown) =>
    ((await get(hub, desk.token, `/api/conversations/${String(id)}/messages`)).json() as { messages: Json[] })
      .messages;

  /** The customer writes (optionally on a thread, or replaying a provider id); waits until it is placed. */
  async function writes(
    desk: Desk,
    email: string,
    text: string,
    options: { thread?: string; id?: string } = {},
  ) {
    const id = options.id ?? `p-${++n}`;
    const from = [{ type: 'email', value: email }];
    await postSigned(hub, desk.inboxId, SECRET, { messages: [{ id, from, text, ...options }] });
    await hub.desk.jobs.drain();
    return waitFor(async () => {
      for (const c of await conversations(desk))
        if ((await messages(desk, c.id)).some((m) => m.body === text)) return conversation(desk, c.id);
      return null;
    });
  }

  beforeAll(async () => {
    hub = await startDeskHub({ now: () => new Date(Date.now() + clockOffsetMs), slaSweepMs: 3_600_000 });
    hub.desk.registerAdapter(testAdapter('api'));
    peer = await startPeer();
  });
  afterAll(async () => {
    await hub.stop();
    await peer.close();
  });

  it('joins the open conversation, records where to reply, and stores a replayed message once', async () => {
    const desk = await newDesk();
    const first = await writes(desk, 'nima@example.com', 'first question', { id: 'same-id' });
    expect(first).toMatchObject({ status: 'open', reopenedCount: 0 });
    expect(first.lastCustomerMessageAt).not.toBeNull();
    const second = await writes(desk, 'nima@example.com', 'second question');
    expect(second.id).toBe(first.id);
    await postSigned(hub, desk.inboxId, SECRET, {
      messages: [
        { id: 'same-id', from: [{ type: 'email', value: 'nima@example.com' }], text: 'first question' },
      ],
    });
    await hub.desk.jobs.drain();
    expect((await messages(desk, first.id)).map((m) => m.body)).toEqual([
      'first question',
      'second question',
    ]);
    expect(await conversations(desk)).toHaveLength(1);
  });

  it('starts the next-response clock when the customer writes after an agent answered, not before', async () => {
    const desk = await newDesk();
    const policy = await hub.app.inject({
      method: 'POST',
      url: '/api/sla-policies',
      headers: as(desk.token),
      payload: { name: 'Replies', firstResponseMinutes: 60, nextResponseMinutes: 30, businessHours: false },
    });
    expect(policy.statusCode).toBe(200);
    const started = await writes(desk, 'sara@example.com', 'where is my order?');
    expect(started.sla).toMatchObject({ nextResponseDue: null });
    expect((started.sla as Json).firstResponseDue).not.toBeNull();
    const waiting = await writes(desk, 'sara@example.com', 'hello?');
    expect(waiting.sla).toMatchObject({ nextResponseDue: null });
    const reply = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${String(started.id)}/messages`,
      headers: as(desk.token),
      payload: { body: 'It ships today.' },
    });
    expect(reply.statusCode).toBe(200);
    // The reply counts once it was sent (the delivery job).
    await waitFor(async () => (await conversation(desk, started.id)).firstResponseAt);
    const again = await writes(desk, 'sara@example.com', 'thanks, and the invoice?');
    expect(again.id).toBe(started.id);
    expect((again.sla as Json).nextResponseDue).not.toBeNull();
  });

  it('reopens a conversation resolved within the reopen window, and starts a new one after it', async () => {
    const desk = await newDesk({ reopenWindowHours: 48 });
    const first = await writes(desk, 'reza@example.com', 'broken screen');
    const resolve = (id: unknown) =>
      hub.app.inject({
        method: 'PATCH',
        url: `/api/conversations/${String(id)}`,
        headers: as(desk.token),
        payload: { status: 'resolved' },
      });
    expect((await resolve(first.id)).statusCode).toBe(200);
    const reopened = await writes(desk, 'reza@example.com', 'still broken');
    expect(reopened).toMatchObject({ id: first.id, status: 'open', reopenedCount: 1, resolvedAt: null });
    expect((await resolve(first.id)).statusCode).toBe(200);
    clockOffsetMs = 49 * HOUR;
    try {
      const later = await writes(desk, 'reza@example.com', 'a new problem');
      expect(later.id).not.toBe(first.id);
      expect(later).toMatchObject({ status: 'open', reopenedCount: 0 });
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('keeps each thread in its own conversation when conversations do not continue across channels', async () => {
    const desk = await newDesk({ continueAcrossChannels: false });
    const a = await writes(desk, 'mina@example.com', 'about order 1', { thread: 'order-1' });
    const b = await writes(desk, 'mina@example.com', 'about order 2', { thread: 'order-2' });
    const a2 = await writes(desk, 'mina@example.com', 'order 1 again', { thread: 'order-1' });
    expect(b.id).not.toBe(a.id);
    expect(a2.id).toBe(a.id);

    const across = await newDesk();
    const c = await writes(across, 'mina@example.com', 'about order 1', { thread: 'order-1' });
    const d = await writes(across, 'mina@example.com', 'about order 2', { thread: 'order-2' });
    expect(d.id).toBe(c.id);
  });
});
