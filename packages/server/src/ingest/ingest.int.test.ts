import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, get, newWorkspace, send, startTestHub, type TestHub } from '../test-support/test-hub.ts';
import { recordInteraction } from './ingest.service.ts';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;

beforeAll(async () => {
  hub = await startTestHub();
  ws = await newWorkspace(hub);
});
afterAll(() => hub.stop());

const timeline = async (customerId: string, query = '') =>
  (await get(hub, ws.token, `/api/customers/${customerId}/timeline${query}`)).json() as {
    events: {
      event: string | null;
      type: string;
      channel: string;
      timestamp: string;
      receivedAt: string;
      context: Record<string, unknown>;
      properties: Record<string, unknown>;
      messageId: string;
    }[];
    nextCursor: string | null;
  };
const lookup = async (type: string, value: string) =>
  get(hub, ws.token, `/api/customers/lookup?type=${type}&value=${encodeURIComponent(value)}`);

describe('Segment ingest', () => {
  it('puts identify and track of one user on one customer, found by phone written any way', async () => {
    expect(
      (
        await send(hub, ws.writeKey, 'identify', {
          userId: 'u-1',
          traits: { name: 'مریم', email: 'Maryam@Example.com', phone: '۰۹۱۲ ۳۴۵ ۶۷۸۹' },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await send(hub, ws.writeKey, 'track', {
          userId: 'u-1',
          event: 'Order Completed',
          properties: { revenue: 250000 },
        })
      ).statusCode,
    ).toBe(200);
    const byPhone = (await lookup('phone', '+989123456789')).json();
    const byEmail = (await lookup('email', 'maryam@example.com')).json();
    const byIranianFormat = (await lookup('phone', '0098 912 345 6789')).json();
    expect(byPhone.id).toBeDefined();
    expect(byEmail.id).toBe(byPhone.id);
    expect(byIranianFormat.id).toBe(byPhone.id);
    expect(byPhone.traits.name).toBe('مریم');
    const events = (await timeline(byPhone.id)).events;
    expect(events.map((e) => e.event ?? e.type)).toEqual(['Order Completed', 'identify']);
  });

  it('stores a repeated messageId once and still answers 200', async () => {
    const call = { userId: 'u-dup', event: 'Clicked', messageId: 'msg-dup-1' };
    expect((await send(hub, ws.writeKey, 'track', call)).json()).toMatchObject({
      accepted: 1,
      duplicates: 0,
    });
    expect((await send(hub, ws.writeKey, 'track', call)).json()).toMatchObject({
      accepted: 0,
      duplicates: 1,
    });
    // A new event of u-dup: the hub looks u-dup up and knows it from then on, so the batch below
    // is first written taking its messageIds to be new, fails on the stored one, and is written
    // again with the repeat check.
    await send(hub, ws.writeKey, 'track', { ...call, messageId: 'msg-dup-0' });
    const batch = await send(hub, ws.writeKey, 'batch', {
      batch: [
        { ...call, type: 'track' },
        { ...call, type: 'track', messageId: 'msg-dup-2' },
        { ...call, type: 'track', messageId: 'msg-dup-2' },
      ],
    });
    expect(batch.json()).toMatchObject({ accepted: 1, duplicates: 2 });
    const id = (await lookup('userId', 'u-dup')).json().id;
    expect((await timeline(id)).events).toHaveLength(3);
    const metrics = (await hub.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^pishkhan_ingest_retries_total\{code="23505"\} [1-9]/m);
  });

  it('knows a repeat whatever characters its messageId holds', async () => {
    // The repeat check goes inline with the transaction's opening on a server (db/database.ts).
    const ids = [`it's`, 'say "hi"', 'back\\slash', '{brace},comma', 'NULL', 'پیام ۱', ' padded ', 'a\\"b'];
    const batch = ids.map((messageId) => ({ type: 'track', userId: 'u-odd-ids', event: 'Odd', messageId }));
    expect((await send(hub, ws.writeKey, 'batch', { batch })).json()).toMatchObject({
      accepted: ids.length,
      duplicates: 0,
    });
    expect((await send(hub, ws.writeKey, 'batch', { batch })).json()).toMatchObject({
      accepted: 0,
      duplicates: ids.length,
    });
    const id = (await lookup('userId', 'u-odd-ids')).json().id;
    const stored = (await timeline(id)).events.map((e) => e.messageId);
    expect(stored.sort()).toEqual(ids.map((m) => m.trim()).sort());
  });

  it('corrects the timestamp for client clock skew from sentAt and keeps context and integrations', async () => {
    // The client clock is one hour fast; the event happened 10 s before it was sent.
    const clientNow = Date.now() + 3_600_000;
    await send(hub, ws.writeKey, 'track', {
      userId: 'u-skew',
      event: 'Skewed',
      timestamp: new Date(clientNow - 10_000).toISOString(),
      sentAt: new Date(clientNow).toISOString(),
      context: { ip: '1.2.3.4', library: { name: 'test' } },
      integrations: { All: true },
    });
    const id = (await lookup('userId', 'u-skew')).json().id;
    const [event] = (await timeline(id)).events;
    const skew = new Date(event!.receivedAt).getTime() - new Date(event!.timestamp).getTime();
    expect(skew).toBeGreaterThan(9_000);
    expect(skew).toBeLessThan(11_000);
    expect(event!.context).toMatchObject({ ip: '1.2.3.4', library: { name: 'test' } });
  });

  it("corrects a batch's timestamps from the batch's own sentAt, as Segment's libraries send it", async () => {
    const clientNow = Date.now() - 7_200_000; // the client clock is two hours slow
    const reply = await send(hub, ws.writeKey, 'batch', {
      batch: [
        {
          type: 'track',
          userId: 'u-batch-skew',
          event: 'Old',
          timestamp: new Date(clientNow - 30_000).toISOString(),
        },
        {
          type: 'track',
          userId: 'u-batch-skew',
          event: 'Own sentAt',
          timestamp: new Date(clientNow).toISOString(),
          sentAt: new Date(clientNow + 60_000).toISOString(),
        },
      ],
      sentAt: new Date(clientNow).toISOString(),
    });
    expect(reply.statusCode).toBe(200);
    const id = (await lookup('userId', 'u-batch-skew')).json().id;
    const events = (await timeline(id)).events as { event: string; receivedAt: string; timestamp: string }[];
    const lag = (name: string) => {
      const e = events.find((x) => x.event === name)!;
      return new Date(e.receivedAt).getTime() - new Date(e.timestamp).getTime();
    };
    expect(lag('Old')).toBeGreaterThan(29_000);
    expect(lag('Old')).toBeLessThan(31_000);
    expect(lag('Own sentAt')).toBeGreaterThan(59_000); // an event's own sentAt wins
    expect(lag('Own sentAt')).toBeLessThan(61_000);
    const bad = await send(hub, ws.writeKey, 'batch', {
      batch: [{ type: 'track', userId: 'u', event: 'E' }],
      sentAt: 'yesterday',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('sentAt');
  });

  it('stores NUL characters, which PostgreSQL cannot store, as U+FFFD instead of failing', async () => {
    const single = await send(hub, ws.writeKey, 'track', {
      userId: 'u-nul\u0000x',
      event: 'Nul\u0000',
      properties: { text: 'a\u0000b', escaped: 'c\\u0000d' },
    });
    expect(single.statusCode).toBe(200);
    // Big enough to be read on a parsing thread.
    const batch = Array.from({ length: 40 }, (_, i) => ({
      type: 'track',
      userId: 'u-nul\u0000x',
      event: 'Batch',
      properties: { i, text: `${'متن '.repeat(60)}${i === 7 ? '\u0000' : ''}` },
    }));
    expect((await send(hub, ws.writeKey, 'batch', { batch })).statusCode).toBe(200);
    const customer = await lookup('userId', 'u-nul\ufffdx');
    expect(customer.statusCode).toBe(200);
    const { events } = await timeline(customer.json().id);
    expect(events).toHaveLength(41);
    const nul = events.find((e) => e.event === 'Nul\ufffd')!;
    expect(nul.properties).toEqual({ text: 'a\ufffdb', escaped: 'c\\u0000d' });
    expect(events.find((e) => e.properties.i === 7)!.properties.text).toMatch(/\ufffd$/);
  });

  it('rejects a whole batch with one invalid event, naming the field, and stores nothing of it', async () => {
    const reply = await send(hub, ws.writeKey, 'batch', {
      batch: [
        { type: 'track', userId: 'u-batch', event: 'Good' },
        { type: 'track', userId: 'u-batch', properties: {} },
        { type: 'identify', traits: {} },
      ],
    });
    expect(reply.statusCode).toBe(400);
    const body = reply.json();
    expect(body.error.code).toBe('PSK_INGEST_INVALID_EVENT');
    expect(body.error.field).toBe('batch[1].event');
    expect(body.error.details.map((d: { field: string }) => d.field)).toContain('batch[2].userId');
    expect((await lookup('userId', 'u-batch')).statusCode).toBe(404);
  });

  it('answers 400 for an event over 32 KB and a batch over 500 KB, and 413 past 1 MB', async () => {
    const big = 'x'.repeat(33 * 1024);
    const event = await send(hub, ws.writeKey, 'track', {
      userId: 'u-big',
      event: 'Big',
      properties: { big },
    });
    expect(event.statusCode).toBe(400);
    expect(event.json().error.code).toBe('PSK_INGEST_EVENT_TOO_LARGE');
    const inBatch = await send(hub, ws.writeKey, 'batch', {
      batch: [{ type: 'track', userId: 'u-big', event: 'Big', properties: { big } }],
    });
    expect(inBatch.json().error).toMatchObject({ code: 'PSK_INGEST_EVENT_TOO_LARGE', field: 'batch[0]' });
    const batch = Array.from({ length: 20 }, () => ({
      type: 'track',
      userId: 'u-big',
      event: 'Big',
      properties: { s: 'y'.repeat(30 * 1024) },
    }));
    const tooLarge = await send(hub, ws.writeKey, 'batch', { batch });
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.json().error.code).toBe('PSK_INGEST_BATCH_TOO_LARGE');
    const huge = await send(hub, ws.writeKey, 'batch', { batch: [...batch, ...batch] });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PSK_BODY_TOO_LARGE');
  });

  it.each([
    ['malformed JSON', '{"userId": ', 400, 'PSK_BODY_NOT_JSON'],
    ['an array body', '[1,2]', 400, 'PSK_BODY_NOT_JSON'],
    ['a number as event name', '{"userId":"u","event":42}', 400, 'PSK_INGEST_INVALID_EVENT'],
    ['no user or anonymous id', '{"event":"x"}', 400, 'PSK_INGEST_INVALID_EVENT'],
    [
      'a bad timestamp',
      '{"userId":"u","event":"x","timestamp":"yesterday"}',
      400,
      'PSK_INGEST_INVALID_EVENT',
    ],
    ['an empty body', '', 400, 'PSK_BODY_NOT_JSON'],
  ])('answers %s with a clear 4xx', async (_name, payload, status, code) => {
    const reply = await hub.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: basic(ws.writeKey), 'content-type': 'application/json' },
      payload,
    });
    expect(reply.statusCode).toBe(status);
    expect(reply.json().error.code).toBe(code);
    expect(reply.json().error.message).toMatch(/\w/);
  });

  it('refuses unknown and missing write keys with 401', async () => {
    const unknown = await send(hub, 'pskw_not-a-key', 'track', { userId: 'u', event: 'x' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('PSK_AUTH_INVALID_WRITE_KEY');
    const missing = await hub.app.inject({
      method: 'POST',
      url: '/v1/track',
      payload: { userId: 'u', event: 'x' },
    });
    expect(missing.statusCode).toBe(401);
  });

  it('accepts gzipped bodies and the write key in the body, as Segment does', async () => {
    const body = gzipSync(
      JSON.stringify({ writeKey: ws.writeKey, batch: [{ type: 'track', userId: 'u-gz', event: 'Zipped' }] }),
    );
    const reply = await hub.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: body,
    });
    expect(reply.statusCode).toBe(200);
    expect((await lookup('userId', 'u-gz')).statusCode).toBe(200);
  });

  it('never answers 5xx to random bodies', async () => {
    const samples = [
      'null',
      '{}',
      '{"batch":null}',
      '{"batch":[null]}',
      '{"batch":[{"type":"nope"}]}',
      '{"userId":{"a":1},"event":"x"}',
      '"text"',
      '{"userId":"u","event":"x","properties":[]}',
      '{"userId":"u","event":"x","context":"c"}',
      '\u0000\u0001',
    ];
    for (const endpoint of ['track', 'identify', 'page', 'screen', 'group', 'alias', 'batch']) {
      for (const payload of samples) {
        const reply = await hub.app.inject({
          method: 'POST',
          url: `/v1/${endpoint}`,
          headers: { authorization: basic(ws.writeKey), 'content-type': 'application/json' },
          payload,
        });
        expect(reply.statusCode, `${endpoint} ${payload}`).toBeLessThan(500);
        if (reply.statusCode >= 400)
          expect(reply.json().error.code, `${endpoint} ${payload}`).toMatch(/^PSK_/);
      }
    }
  });

  it('puts a WhatsApp message from a known phone on the e-mail customer timeline', async () => {
    await send(hub, ws.writeKey, 'identify', {
      userId: 'u-wa',
      traits: { email: 'sara@example.com', phone: '09121112233' },
    });
    const result = await recordInteraction(hub.hub.ingest, {
      workspaceId: ws.workspaceId,
      channel: 'whatsapp',
      event: 'Message Received',
      messageId: 'wamid.HBgL1',
      identifiers: { traits: { whatsapp: '989121112233', phone: '+989121112233' } },
      properties: { text: 'سلام' },
    });
    expect(result.isOk()).toBe(true);
    const customer = (await lookup('email', 'sara@example.com')).json();
    expect(customer.identities).toContainEqual({ type: 'whatsapp', value: '+989121112233' });
    const events = (await timeline(customer.id, '?channel=whatsapp')).events;
    expect(events.map((e) => e.event)).toEqual(['Message Received']);
  });

  it('counts events as waiting from when they are taken until they are answered', async () => {
    const pipeline = hub.hub.ingest;
    const answered = Array.from({ length: 3 }, (_, i) =>
      recordInteraction(pipeline, {
        workspaceId: ws.workspaceId,
        channel: 'telegram',
        event: 'Message Received',
        messageId: `tg-waiting-${i}`,
        identifiers: { traits: { telegram: 'waiting_user' } },
      }),
    );
    expect(pipeline.waitingEvents()).toBe(3);
    for (const result of await Promise.all(answered)) expect(result.isOk()).toBe(true);
    expect(pipeline.waitingEvents()).toBe(0);
  });
});
