import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskHub, startPeer, waitFor } from '../inbox/testing/desk-test-hub.ts';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { MENTION_EVENT } from './listening.service.ts';

type Json = Record<string, unknown>;

const APP_SECRET = 'meta-app-secret-for-listening';
const X_SECRET = 'x-consumer-secret-for-listening';
const HOUR = 3_600_000;
const START = Math.floor((Date.now() - 48 * HOUR) / HOUR) * HOUR;
const NEGATIVE = [
  'کیف خیلی بد بود، بعد از دو روز پاره شد و پشتیبانی جواب نمی‌دهد',
  'افتضاح بود، سفارشم دو هفته است نرسیده',
  'بدترین خرید عمرم بود، دیگه هیچوقت خرید نمیکنم',
];

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;
let graph: Awaited<ReturnType<typeof startPeer>>;
let instagramInbox: string;
let xInbox: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

/** Comments on the account's post, in one webhook delivery, signed as Meta signs it. */
async function instagramComments(
  at: number,
  comments: { id: string; from: string; username: string; text: string }[],
) {
  const body = JSON.stringify({
    object: 'instagram',
    entry: [
      {
        id: '17841405822304914',
        time: Math.floor(at / 1000),
        changes: comments.map((c) => ({
          field: 'comments',
          value: {
            from: { id: c.from, username: c.username },
            media: { id: '18172143295349192', media_product_type: 'FEED' },
            id: c.id,
            text: c.text,
          },
        })),
      },
    ],
  });
  const response = await hub.app.inject({
    method: 'POST',
    url: `/api/webhooks/${instagramInbox}`,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`,
    },
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(200);
}

const mentionsOf = async (network: string) =>
  (
    (await get(hub, ws.token, `/api/listening/mentions?network=${network}&limit=200`)).json() as {
      mentions: Json[];
    }
  ).mentions;

beforeAll(async () => {
  process.env.PISHKHAN_LLM_URL = '';
  hub = await startDeskHub();
  ws = await newWorkspace(hub);
  graph = await startPeer();
  // Brand keywords are set, yet comments on the brand's own posts count without naming one.
  await hub.app.inject({
    method: 'PUT',
    url: '/api/listening/keywords',
    headers: as(ws.token),
    payload: { keywords: ['پیشخوان'] },
  });
  // A published article turns the bot on for Instagram: it must still never answer in public.
  await hub.app.inject({
    method: 'POST',
    url: '/api/knowledge/articles',
    headers: as(ws.token),
    payload: {
      title: 'مرجوع کردن کیف',
      body: 'کیف پاره را می‌توانید مرجوع کنید.',
      language: 'fa',
      status: 'published',
    },
  });
  const create = async (channel: string, config: Json) =>
    (
      (
        await hub.app.inject({
          method: 'POST',
          url: '/api/inboxes',
          headers: as(ws.token),
          payload: { channel, name: channel, config },
        })
      ).json() as { id: string }
    ).id;
  instagramInbox = await create('instagram', {
    appSecret: APP_SECRET,
    verifyToken: 'verify',
    accessToken: 'EAAG-token',
    baseUrl: graph.url,
  });
  xInbox = await create('x', {
    consumerSecret: X_SECRET,
    accessToken: 'x-token',
    accountId: '4337869213',
    baseUrl: graph.url,
  });
});
afterAll(async () => {
  await hub.stop();
  await graph.close();
});

describe('public comments and mentions from channels are listening mentions', () => {
  it('records an Instagram comment as a Brand Mentioned event with sentiment on the commenter’s timeline', async () => {
    await instagramComments(START, [
      { id: '17919697626119712', from: '1254459154682919', username: 'Neda.Shop', text: NEGATIVE[0]! },
    ]);
    const [mention] = await waitFor(async () => {
      const found = await mentionsOf('instagram');
      return found.length > 0 ? found : null;
    });
    expect(mention).toMatchObject({ network: 'instagram', id: '17919697626119712', sentiment: 'negative' });
    const customer = (
      await get(hub, ws.token, '/api/customers/lookup?type=instagram&value=1254459154682919')
    ).json() as { id: string };
    expect(mention!.customerId).toBe(customer.id);
    const events = (
      (await get(hub, ws.token, `/api/customers/${customer.id}/timeline`)).json() as { events: Json[] }
    ).events.map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['Message Received', MENTION_EVENT]));
    // The bot never answers a public comment.
    expect(graph.requests).toEqual([]);
  });

  it('records an X mention of the account with its link', async () => {
    const body = JSON.stringify({
      for_user_id: '4337869213',
      tweet_create_events: [
        {
          created_at: new Date(START + HOUR).toUTCString(),
          id_str: '1879445599186731008',
          text: '@PishkhanHelp terrible service, my package never arrived',
          in_reply_to_user_id_str: '4337869213',
          user: { id_str: '3001969357', name: 'Jordan Brinks', screen_name: 'furiouscamper' },
          entities: { user_mentions: [{ id_str: '4337869213', screen_name: 'PishkhanHelp' }] },
        },
      ],
    });
    const response = await hub.app.inject({
      method: 'POST',
      url: `/api/webhooks/${xInbox}`,
      headers: {
        'content-type': 'application/json',
        'x-twitter-webhooks-signature': `sha256=${createHmac('sha256', X_SECRET).update(body).digest('base64')}`,
      },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
    const [mention] = await waitFor(async () => {
      const found = await mentionsOf('x');
      return found.length > 0 ? found : null;
    });
    expect(mention).toMatchObject({
      network: 'twitter',
      id: '1879445599186731008',
      authorHandle: '3001969357',
      sentiment: 'negative',
      url: 'https://x.com/i/web/status/1879445599186731008',
    });
  });

  it('lets the spike detector see a burst of negative comments', async () => {
    // A quiet day and a half from the connector, then 15 angry comments on a post in one hour.
    const quiet = [];
    for (let hour = 2; hour < 36; hour += 1)
      if (hour % 7 === 0)
        quiet.push({
          network: 'twitter',
          id: `q-${hour}`,
          author: { handle: `user${hour}` },
          text: `پیشخوان ${NEGATIVE[hour % NEGATIVE.length]!}`,
          postedAt: new Date(START + hour * HOUR).toISOString(),
        });
    await hub.app.inject({
      method: 'POST',
      url: '/api/listening/mentions',
      headers: as(ws.token),
      payload: { mentions: quiet },
    });
    await instagramComments(
      START + 36 * HOUR + 60_000,
      Array.from({ length: 15 }, (_, i) => ({
        id: `1791969762612${String(i).padStart(4, '0')}`,
        from: `20000000000${i}`,
        username: `angry.${i}`,
        text: NEGATIVE[i % NEGATIVE.length]!,
      })),
    );
    const alerts = await waitFor(async () => {
      const list = ((await get(hub, ws.token, '/api/listening/alerts')).json() as { alerts: Json[] }).alerts;
      return list.length > 0 && list[0]!.negativeMentions === 15 ? list : null;
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'negative-spike',
      startedAt: new Date(START + 36 * HOUR).toISOString(),
    });
  });
});
