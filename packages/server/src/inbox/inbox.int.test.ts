import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { postSigned, startDeskHub, startPeer, testAdapter, waitFor } from './testing/desk-test-hub.ts';

type Json = Record<string, unknown>;
const SECRET = 'test-secret-123456';

describe('inbox: receive, reply, retries, dead letters', () => {
  let hub: TestHub;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let peer: Awaited<ReturnType<typeof startPeer>>;
  let peerMode: 'ok' | 'down' | 'flaky' | 'bad-auth' | 'reject' = 'ok';
  let inboxId: string;
  const auth = () => ({ authorization: `Bearer ${ws.token}` });

  beforeAll(async () => {
    hub = await startDeskHub();
    hub.desk.registerAdapter(testAdapter('api'));
    ws = await newWorkspace(hub);
    let flakes = 0;
    peer = await startPeer((_req, n) => {
      if (peerMode === 'down') return { status: 503, body: { error: 'provider down' } };
      if (peerMode === 'flaky' && flakes++ < 2) return { status: 503, body: { error: 'try later' } };
      if (peerMode === 'bad-auth') return { status: 401, body: { error: 'token revoked' } };
      if (peerMode === 'reject') return { status: 400, body: { error: 'recipient blocked' } };
      return { status: 200, body: { id: `prov-${n}` } };
    });
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/inboxes',
      headers: auth(),
      payload: { channel: 'api', name: 'Partner system', config: { secret: SECRET, peerUrl: peer.url } },
    });
    expect(created.statusCode).toBe(200);
    const body = created.json() as Json;
    inboxId = body.id as string;
    expect(body.webhookUrl).toMatch(new RegExp(`/api/webhooks/${inboxId}$`));
    expect(typeof body.webhookSecret).toBe('string');
    expect((body.config as Json).secret).toBe('***');
  });
  afterAll(async () => {
    await hub.stop();
    await peer.close();
  });

  const conversationsOf = async (query: string) =>
    ((await get(hub, ws.token, `/api/conversations?${query}`)).json() as { conversations: Json[] })
      .conversations;
  const messagesOf = async (id: string) =>
    ((await get(hub, ws.token, `/api/conversations/${id}/messages`)).json() as { messages: Json[] }).messages;

  it('refuses a webhook with a bad or missing signature with 401', async () => {
    const bad = await hub.app.inject({
      method: 'POST',
      url: `/api/webhooks/${inboxId}`,
      headers: { 'content-type': 'application/json', 'x-test-signature': 'nope' },
      payload: '{"messages":[]}',
    });
    expect(bad.statusCode).toBe(401);
    expect((bad.json() as { error: Json }).error.code).toBe('PSK_WEBHOOK_SIGNATURE_INVALID');
    const unknown = await postSigned(hub, '01890000-0000-7000-8000-000000000000', SECRET, {});
    expect(unknown.statusCode).toBe(404);
  });

  it('stores an inbound message once even when the provider replays it, on the customer timeline', async () => {
    const payload = {
      messages: [
        {
          id: 'p-1',
          from: [{ type: 'email', value: 'Sara@Example.com' }],
          name: 'Sara',
          text: 'سلام، سفارشم نرسیده',
        },
      ],
    };
    expect((await postSigned(hub, inboxId, SECRET, payload)).statusCode).toBe(200);
    expect((await postSigned(hub, inboxId, SECRET, payload)).statusCode).toBe(200);
    const [conversation] = await waitFor(async () => {
      const list = await conversationsOf(`inboxId=${inboxId}`);
      return list.length > 0 && list;
    });
    await waitFor(async () => (await hub.desk.jobs.drain()) === 0);
    const messages = await messagesOf(conversation!.id as string);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      direction: 'inbound',
      senderType: 'customer',
      body: 'سلام، سفارشم نرسیده',
    });
    expect(conversation).toMatchObject({ status: 'open', channel: 'api', language: 'fa' });
    const timeline = (
      await get(hub, ws.token, `/api/customers/${conversation!.customerId}/timeline`)
    ).json() as {
      events: Json[];
    };
    const received = timeline.events.filter((e) => e.event === 'Message Received');
    expect(received).toHaveLength(1);
    expect(received[0]!.channel).toBe('api');
  });

  it('sends a reply on the channel, marks it sent and puts it on the timeline', async () => {
    const [conversation] = await conversationsOf(`inboxId=${inboxId}`);
    const posted = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation!.id}/messages`,
      headers: auth(),
      payload: { body: 'سلام سارا، پیگیری می‌کنم.' },
    });
    expect(posted.statusCode).toBe(200);
    const { messageId } = posted.json() as { messageId: string };
    await waitFor(async () =>
      (await messagesOf(conversation!.id as string)).find((m) => m.id === messageId && m.status === 'sent'),
    );
    const sent = JSON.parse(peer.requests.at(-1)!.body) as Json;
    expect(sent).toMatchObject({
      to: { type: 'email', value: 'Sara@Example.com' },
      text: 'سلام سارا، پیگیری می‌کنم.',
      ref: messageId,
    });
    await waitFor(async () => {
      const timeline = (
        await get(hub, ws.token, `/api/customers/${conversation!.customerId}/timeline`)
      ).json() as { events: Json[] };
      return timeline.events.some((e) => e.event === 'Message Sent');
    });
    const after = (await get(hub, ws.token, `/api/conversations/${conversation!.id}`)).json() as Json;
    expect(after.firstResponseAt).not.toBeNull();
    expect(after.assigneeId).not.toBeNull();
  });

  it('maps delivery receipts back onto the message, never backwards', async () => {
    const [conversation] = await conversationsOf(`inboxId=${inboxId}`);
    const outbound = (await messagesOf(conversation!.id as string)).find((m) => m.direction === 'outbound')!;
    const providerId = `prov-${peer.requests.length}`;
    await postSigned(hub, inboxId, SECRET, { receipts: [{ id: providerId, status: 'read' }] });
    await postSigned(hub, inboxId, SECRET, { receipts: [{ id: providerId, status: 'delivered' }] });
    await waitFor(async () => (await hub.desk.jobs.drain()) === 0);
    await waitFor(async () =>
      (await messagesOf(conversation!.id as string)).find((m) => m.id === outbound.id && m.status === 'read'),
    );
  });

  it('retries a send while the provider is down, then sends', async () => {
    peerMode = 'flaky';
    const [conversation] = await conversationsOf(`inboxId=${inboxId}`);
    const before = peer.requests.length;
    const { messageId } = (
      await hub.app.inject({
        method: 'POST',
        url: `/api/conversations/${conversation!.id}/messages`,
        headers: auth(),
        payload: { body: 'retry me' },
      })
    ).json() as { messageId: string };
    await waitFor(async () =>
      (await messagesOf(conversation!.id as string)).find((m) => m.id === messageId && m.status === 'sent'),
    );
    expect(peer.requests.length - before).toBe(3);
    peerMode = 'ok';
  });

  it('marks a message failed with the reason after the last try, and at once on a permanent failure', async () => {
    const [conversation] = await conversationsOf(`inboxId=${inboxId}`);
    peerMode = 'down';
    const down = (
      await hub.app.inject({
        method: 'POST',
        url: `/api/conversations/${conversation!.id}/messages`,
        headers: auth(),
        payload: { body: 'never arrives' },
      })
    ).json() as { messageId: string };
    const failed = await waitFor(async () =>
      (await messagesOf(conversation!.id as string)).find(
        (m) => m.id === down.messageId && m.status === 'failed',
      ),
    );
    expect(failed.error).toBe('provider down');
    peerMode = 'reject';
    const before = peer.requests.length;
    const rejected = (
      await hub.app.inject({
        method: 'POST',
        url: `/api/conversations/${conversation!.id}/messages`,
        headers: auth(),
        payload: { body: 'blocked' },
      })
    ).json() as { messageId: string };
    const permanent = await waitFor(async () =>
      (await messagesOf(conversation!.id as string)).find(
        (m) => m.id === rejected.messageId && m.status === 'failed',
      ),
    );
    expect(permanent.error).toBe('recipient blocked');
    expect(peer.requests.length - before).toBe(1);
    peerMode = 'ok';
  });

  it('disables the inbox and tells the admins when the provider refuses our credentials', async () => {
    const peer2 = await startPeer(() => ({ status: 401, body: { error: 'token revoked' } }));
    const inbox = (
      await hub.app.inject({
        method: 'POST',
        url: '/api/inboxes',
        headers: auth(),
        payload: { channel: 'api', name: 'Revoked', config: { secret: SECRET, peerUrl: peer2.url } },
      })
    ).json() as { id: string };
    await postSigned(hub, inbox.id, SECRET, {
      messages: [{ id: 'r-1', from: [{ type: 'phone', value: '09121234567' }], text: 'hi' }],
    });
    const [conversation] = await waitFor(async () => {
      const list = await conversationsOf(`inboxId=${inbox.id}`);
      return list.length > 0 && list;
    });
    const { messageId } = (
      await hub.app.inject({
        method: 'POST',
        url: `/api/conversations/${conversation!.id}/messages`,
        headers: auth(),
        payload: { body: 'x' },
      })
    ).json() as { messageId: string };
    const failed = await waitFor(async () =>
      (await messagesOf(conversation!.id as string)).find((m) => m.id === messageId && m.status === 'failed'),
    );
    expect(failed.error).toMatch(/token revoked/);
    const inboxes = (await get(hub, ws.token, '/api/inboxes')).json() as { inboxes: Json[] };
    expect(inboxes.inboxes.find((i) => i.id === inbox.id)).toMatchObject({ status: 'disabled' });
    const notes = (await get(hub, ws.token, '/api/notifications')).json() as { notifications: Json[] };
    expect(notes.notifications.some((n) => n.kind === 'inbox_disabled')).toBe(true);
    await peer2.close();
  });

  it('re-enables a disabled inbox and changes its settings without erasing the masked secret', async () => {
    const patch = (id: string, payload: object) =>
      hub.app.inject({ method: 'PATCH', url: `/api/inboxes/${id}`, headers: auth(), payload });
    const inbox = (
      await hub.app.inject({
        method: 'POST',
        url: '/api/inboxes',
        headers: auth(),
        payload: { channel: 'api', name: 'Partner B', config: { secret: SECRET, peerUrl: peer.url } },
      })
    ).json() as { id: string };
    expect((await patch(inbox.id, { status: 'disabled' })).json()).toMatchObject({ status: 'disabled' });
    const back = await patch(inbox.id, {
      status: 'active',
      name: 'Partner B (new)',
      config: { secret: '***' },
    });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ status: 'active', disabledReason: null, name: 'Partner B (new)' });
    // The stored secret survived the masked round trip: requests signed with it still get in.
    expect(
      (
        await postSigned(hub, inbox.id, SECRET, {
          messages: [{ id: 'patched-1', from: [{ type: 'phone', value: '09121230000' }], text: 'hi' }],
        })
      ).statusCode,
    ).toBe(200);
    expect((await patch('00000000-0000-7000-8000-000000000000', { status: 'active' })).statusCode).toBe(404);
    const empty = await patch(inbox.id, {});
    expect(empty.statusCode).toBe(400);
  });

  it('keeps an unparseable request in the dead-letter list for admins', async () => {
    expect((await postSigned(hub, inboxId, SECRET, 'this is not json')).statusCode).toBe(200);
    const letters = await waitFor(async () => {
      const list = ((await get(hub, ws.token, '/api/dead-letters')).json() as { deadLetters: Json[] })
        .deadLetters;
      return list.length > 0 && list;
    });
    expect(letters[0]).toMatchObject({ inboxId, reason: 'body is not JSON', body: 'this is not json' });
  });

  it('answers 404 for unknown conversations and 400 naming the field for bad input', async () => {
    const missing = '01890000-0000-7000-8000-000000000000';
    expect((await get(hub, ws.token, `/api/conversations/${missing}/messages`)).statusCode).toBe(404);
    const post = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${missing}/messages`,
      headers: auth(),
      payload: { body: 'x' },
    });
    expect(post.statusCode).toBe(404);
    expect((post.json() as { error: Json }).error.code).toBe('PSK_CONVERSATION_NOT_FOUND');
    const empty = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${missing}/messages`,
      headers: auth(),
      payload: { body: '' },
    });
    expect(empty.statusCode).toBe(400);
    expect((empty.json() as { error: Json }).error.field).toMatch(/body/);
    const badChannel = await hub.app.inject({
      method: 'POST',
      url: '/api/inboxes',
      headers: auth(),
      payload: { channel: 'fax', name: 'x', config: {} },
    });
    expect(badChannel.statusCode).toBe(400);
    const badConfig = await hub.app.inject({
      method: 'POST',
      url: '/api/inboxes',
      headers: auth(),
      payload: { channel: 'api', name: 'x', config: { secret: 1 } },
    });
    expect(badConfig.statusCode).toBe(400);
    expect((badConfig.json() as { error: Json }).error.field).toMatch(/^config\./);
  });

  it('stores a message whose text holds a NUL character, with U+FFFD in its place', async () => {
    const payload = {
      messages: [{ id: 'nul-1', from: [{ type: 'phone', value: '09120000123' }], text: 'سلام\u0000دنیا' }],
    };
    expect((await postSigned(hub, inboxId, SECRET, payload)).statusCode).toBe(200);
    // Before the fix the message's processing job failed on PostgreSQL and no conversation came.
    const conversation = await waitFor(async () => {
      const found = await get(hub, ws.token, '/api/customers/lookup?type=phone&value=09120000123');
      if (found.statusCode !== 200) return false;
      const { id } = found.json() as { id: string };
      return (await conversationsOf(`inboxId=${inboxId}`)).find((c) => c.customerId === id) ?? false;
    });
    const messages = await messagesOf(conversation.id as string);
    expect(messages.map((m) => m.body)).toEqual(['سلام\ufffdدنیا']);
  });
});
