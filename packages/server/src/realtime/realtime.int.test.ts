import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { postSigned, startDeskHub, startPeer, testAdapter, waitFor } from '../inbox/testing/desk-test-hub.ts';
import { inviteMember, newWorkspace, type TestHub } from '../test-support/test-hub.ts';

type Frame = { id?: string; type: string; payload?: Record<string, unknown> };
const SECRET = 'rt-secret-12345';

function connect(url: string): Promise<{ socket: WebSocket; frames: Frame[] }> {
  const socket = new WebSocket(url);
  const frames: Frame[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    const ready = () =>
      frames.some((f) => f.type === 'ready') ? resolve({ socket, frames }) : setTimeout(ready, 5);
    socket.once('open', ready);
  });
}

describe('agents live socket', () => {
  let hub: TestHub;
  let base: string;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let inboxId: string;
  let peer: Awaited<ReturnType<typeof startPeer>>;

  beforeAll(async () => {
    hub = await startDeskHub();
    hub.desk.registerAdapter(testAdapter('api'));
    await hub.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}`;
    ws = await newWorkspace(hub);
    peer = await startPeer();
    inboxId = (
      (
        await hub.app.inject({
          method: 'POST',
          url: '/api/inboxes',
          headers: { authorization: `Bearer ${ws.token}` },
          payload: { channel: 'api', name: 'rt', config: { secret: SECRET, peerUrl: peer.url } },
        })
      ).json() as { id: string }
    ).id;
  });
  afterAll(async () => {
    await hub.stop();
    await peer.close();
  });

  const customerWrites = (id: string, text: string) =>
    postSigned(hub, inboxId, SECRET, {
      messages: [{ id, from: [{ type: 'email', value: `${id}@example.com` }], text }],
    });

  it('refuses a socket without a valid token', async () => {
    const socket = new WebSocket(`${base}/api/realtime?token=wrong`);
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    expect(code).toBe(4401);
  });

  it('pushes new messages live, and a reconnect with the cursor replays exactly what was missed', async () => {
    const first = await connect(`${base}/api/realtime?token=${ws.token}`);
    await customerWrites('live-1', 'first message');
    const seen = await waitFor(async () =>
      first.frames.find((f) => f.type === 'message.created' && f.payload?.body === 'first message'),
    );
    first.socket.close();
    await customerWrites('missed-1', 'while away 1');
    await customerWrites('missed-2', 'while away 2');
    // Both stored (the worker may still hold them): wait for their conversations.
    await waitFor(async () => {
      const r = await hub.app.inject({
        method: 'GET',
        url: '/api/conversations',
        headers: { authorization: `Bearer ${ws.token}` },
      });
      return (r.json() as { conversations: unknown[] }).conversations.length >= 3;
    });
    const again = await connect(`${base}/api/realtime?token=${ws.token}&since=${seen.id}`);
    const bodies = again.frames.filter((f) => f.type === 'message.created').map((f) => f.payload?.body);
    expect(bodies).toEqual(expect.arrayContaining(['while away 1', 'while away 2']));
    // The overlap window may resend items before the cursor; never the same id twice on one socket.
    const ids = again.frames.filter((f) => f.id).map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    again.socket.close();
  });

  it('relays typing to the other agents', async () => {
    const a = await connect(`${base}/api/realtime?token=${ws.token}`);
    const other = await inviteMember(hub, ws.token, { name: 'typist', role: 'agent' });
    const b = await connect(`${base}/api/realtime?token=${other.token}`);
    const conversationId = '01890000-0000-7000-8000-000000000001';
    b.socket.send(JSON.stringify({ type: 'typing', conversationId, on: true }));
    const typing = await waitFor(async () => a.frames.find((f) => f.type === 'typing'));
    expect(typing.payload).toMatchObject({ conversationId, on: true });
    expect(b.frames.some((f) => f.type === 'typing')).toBe(false);
    a.socket.close();
    b.socket.close();
  });

  it('answers a ping the agent sends the moment the socket opens, before the token is checked', async () => {
    // A token the hub has not seen yet, so its check reads the database.
    const agent = await inviteMember(hub, ws.token, { name: 'early', role: 'agent' });
    const socket = new WebSocket(`${base}/api/realtime?token=${agent.token}`);
    const frames: Frame[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    socket.on('open', () => socket.send(JSON.stringify({ type: 'ping' })));
    await waitFor(async () => frames.some((f) => f.type === 'pong'));
    socket.close();
  });
});
