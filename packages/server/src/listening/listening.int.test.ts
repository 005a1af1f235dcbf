import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, send, startTestHub, type TestHub } from '../test-support/test-hub.ts';
import { LISTENING_ANONYMOUS_ID, MENTION_EVENT, SPIKE_EVENT } from './listening.service.ts';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.stop());

type Json = Record<string, unknown>;

const NEGATIVE = [
  'پیشخوان افتضاح است، سفارشم دو هفته است نرسیده و پشتیبانی جواب نمی‌دهد',
  'خیلی بد بود، غذا سرد رسید و پیشخوان پاسخ نداد',
  'بدترین تجربه خرید از پیشخوان، دیگه هیچوقت خرید نمیکنم',
  '@pishkhan worst service ever, terrible and rude',
];
const POSITIVE = ['از پیشخوان راضی بودم، ارسال سریع و عالی', 'Pishkhan delivery was great, love it'];

const post = (token: string, url: string, payload: Json, method: 'POST' | 'PUT' = 'POST') =>
  hub.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });

const HOUR = 3_600_000;
const START = Date.parse('2025-03-01T00:00:00Z');
let serial = 0;
const mention = (hour: number, text: string, network = 'twitter', handle = `user${serial}`) => ({
  network,
  id: `m-${(serial += 1)}`,
  author: { handle },
  text,
  url: `https://example.com/p/${serial}`,
  postedAt: new Date(START + hour * HOUR + (serial % 50) * 60_000).toISOString(),
});

describe('social listening', () => {
  it('records a mention as a Brand Mentioned event with sentiment on the author’s timeline', async () => {
    const ws = await newWorkspace(hub);
    await send(hub, ws.writeKey, 'identify', {
      userId: 'u-1',
      traits: { instagram: 'Sara.Shop', email: 's@example.ir' },
    });
    const res = await post(ws.token, '/api/listening/mentions', {
      mentions: [mention(0, NEGATIVE[0]!, 'instagram', '@sara.shop'), mention(0, POSITIVE[1]!, 'x', 'fan1')],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ received: 2, duplicates: 0, ignored: 0 });
    expect(body.recorded.map((r: Json) => [r.network, r.sentiment])).toEqual([
      ['instagram', 'negative'],
      ['twitter', 'positive'],
    ]);
    const sara = (await get(hub, ws.token, '/api/customers/lookup?type=email&value=s@example.ir')).json();
    expect(body.recorded[0].customerId).toBe(sara.id);
    const timeline = (
      await get(
        hub,
        ws.token,
        `/api/customers/${sara.id}/timeline?event=${encodeURIComponent(MENTION_EVENT)}`,
      )
    ).json();
    expect(timeline.events).toHaveLength(1);
    expect(timeline.events[0]).toMatchObject({ channel: 'instagram', event: MENTION_EVENT });
    expect(timeline.events[0].properties).toMatchObject({ text: NEGATIVE[0], sentiment: 'negative' });
    expect(timeline.events[0].properties.sentimentScore).toBeLessThan(-0.5);
    // the X author is found by their twitter handle
    const fan = await get(hub, ws.token, '/api/customers/lookup?type=twitter&value=FAN1');
    expect(fan.json().id).toBe(body.recorded[1].customerId);
  });

  it('keeps only mentions naming a brand keyword (normalised), and stores a repeated mention once', async () => {
    const ws = await newWorkspace(hub);
    const keywords = await post(
      ws.token,
      '/api/listening/keywords',
      { keywords: ['پیشخوان', 'pishkhan'] },
      'PUT',
    );
    expect(keywords.json().keywords).toEqual(['پیشخوان', 'pishkhan']);
    const about = mention(0, 'سفارش از #پيشخوان رسید'); // Arabic yeh in the hashtag
    const unrelated = mention(0, 'a post about something else');
    const first = (await post(ws.token, '/api/listening/mentions', { mentions: [about, unrelated] })).json();
    expect(first).toMatchObject({ received: 2, ignored: 1, duplicates: 0 });
    expect(first.recorded[0].keywords).toEqual(['پیشخوان']);
    const again = (await post(ws.token, '/api/listening/mentions', { mentions: [about, about] })).json();
    expect(again).toMatchObject({ received: 2, duplicates: 2, recorded: [] });
    const stored = (await get(hub, ws.token, '/api/listening/mentions')).json();
    expect(stored.mentions).toHaveLength(1);
    expect((await get(hub, ws.token, '/api/listening/keywords')).json().keywords).toEqual([
      'پیشخوان',
      'pishkhan',
    ]);
  });

  it('raises one alert when negative mentions jump above a quiet baseline, and records it for the team', async () => {
    const ws = await newWorkspace(hub);
    // A quiet day and a half: a complaint every seven hours, praise now and then.
    const quiet = [];
    for (let hour = 0; hour < 36; hour += 1) {
      if (hour % 7 === 0) quiet.push(mention(hour, NEGATIVE[hour % NEGATIVE.length]!));
      if (hour % 5 === 0) quiet.push(mention(hour, POSITIVE[hour % POSITIVE.length]!));
    }
    const calm = (await post(ws.token, '/api/listening/mentions', { mentions: quiet })).json();
    expect(calm.alerts).toEqual([]);

    const burst = Array.from({ length: 15 }, (_, i) => mention(36, NEGATIVE[i % NEGATIVE.length]!));
    const spiked = (await post(ws.token, '/api/listening/mentions', { mentions: burst })).json();
    expect(spiked.alerts).toHaveLength(1);
    const alert = spiked.alerts[0];
    expect(alert).toMatchObject({ kind: 'negative-spike', negativeMentions: 15, peakHourCount: 15 });
    expect(alert.startedAt).toBe(new Date(START + 36 * HOUR).toISOString());
    expect(alert.baselineMean).toBeLessThan(0.5);
    expect(alert.pValue).toBeLessThan(1e-6);
    expect(alert.sampleMentions.length).toBeGreaterThan(0);

    // The spike goes on into the next hour: the same alert grows, no second one.
    const more = Array.from({ length: 10 }, (_, i) => mention(37, NEGATIVE[i % NEGATIVE.length]!));
    const extended = (await post(ws.token, '/api/listening/mentions', { mentions: more })).json();
    expect(extended.alerts).toHaveLength(1);
    expect(extended.alerts[0]).toMatchObject({ id: alert.id, negativeMentions: 25 });

    const alerts = (await get(hub, ws.token, '/api/listening/alerts')).json().alerts;
    expect(alerts).toHaveLength(1);
    expect(alerts[0].lastHourAt).toBe(new Date(START + 37 * HOUR).toISOString());

    const team = (
      await get(
        hub,
        ws.token,
        `/api/customers/lookup?type=anonymousId&value=${encodeURIComponent(LISTENING_ANONYMOUS_ID)}`,
      )
    ).json();
    const timeline = (await get(hub, ws.token, `/api/customers/${team.id}/timeline`)).json();
    expect(timeline.events.map((e: Json) => e.event)).toEqual([SPIKE_EVENT]);
    expect(timeline.events[0].properties).toMatchObject({ alertId: alert.id, negativeMentions: 15 });
  });

  it('raises no alert for steady complaints', async () => {
    const ws = await newWorkspace(hub);
    const steady = [];
    for (let hour = 0; hour < 48; hour += 1)
      for (let i = 0; i < 4 + (hour % 4); i += 1)
        steady.push(mention(hour, NEGATIVE[(hour + i) % NEGATIVE.length]!));
    const res = (await post(ws.token, '/api/listening/mentions', { mentions: steady })).json();
    expect(res.alerts).toEqual([]);
    expect((await get(hub, ws.token, '/api/listening/alerts')).json().alerts).toEqual([]);
  });

  it('answers 400 naming the field for bad input', async () => {
    const ws = await newWorkspace(hub);
    const cases: [string, Json, string?][] = [
      ['body.mentions', { mentions: [] }],
      ['body.mentions.0.network', { mentions: [{ ...mention(0, 'x'), network: 'Twitter!' }] }],
      ['body.mentions.0.postedAt', { mentions: [{ ...mention(0, 'x'), postedAt: 'yesterday' }] }],
      ['body.mentions.0.author', { mentions: [{ ...mention(0, 'x'), author: undefined }] }],
      ['body.keywords', { keywords: 'pishkhan' }, '/api/listening/keywords'],
    ];
    for (const [field, payload, url] of cases) {
      const res = await post(ws.token, url ?? '/api/listening/mentions', payload, url ? 'PUT' : 'POST');
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.field, field).toContain(field);
    }
  });
});
