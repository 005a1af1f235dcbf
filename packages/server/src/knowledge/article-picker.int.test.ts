import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSigned, startDeskHub, startPeer, testAdapter, waitFor } from '../inbox/testing/desk-test-hub.ts';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { readHelpCenter } from './fixtures/help-center.ts';

type Json = Record<string, unknown>;
const SECRET = 'picker-secret-1234';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;
let peer: Awaited<ReturnType<typeof startPeer>>;
let inboxId: string;
let conversationId: string;
const articleIds = new Map<string, string>();
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  process.env.PISHKHAN_LLM_URL = '';
  hub = await startDeskHub();
  // The API channel: the bot is off there by default, so the agent answers.
  hub.desk.registerAdapter(testAdapter('api'));
  ws = await newWorkspace(hub);
  peer = await startPeer();
  for (const { key, ...article } of readHelpCenter()) {
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/knowledge/articles',
      headers: as(ws.token),
      payload: article,
    });
    articleIds.set(key, (created.json() as { id: string }).id);
  }
  await hub.app.inject({
    method: 'PATCH',
    url: '/api/knowledge/bot/settings',
    headers: as(ws.token),
    payload: { articleUrl: 'https://help.shop.example/{language}/{slug}' },
  });
  inboxId = (
    (
      await hub.app.inject({
        method: 'POST',
        url: '/api/inboxes',
        headers: as(ws.token),
        payload: { channel: 'api', name: 'Portal', config: { secret: SECRET, peerUrl: peer.url } },
      })
    ).json() as { id: string }
  ).id;
  await postSigned(hub, inboxId, SECRET, {
    messages: [
      {
        id: 'p-1',
        from: [{ type: 'email', value: 'mina@example.com' }],
        text: 'سلام، می‌خواهم آدرس تحویل سفارشم را عوض کنم',
      },
    ],
  });
  conversationId = await waitFor(async () => {
    const list = (await get(hub, ws.token, `/api/conversations?inboxId=${inboxId}`)).json() as {
      conversations: { id: string }[];
    };
    return list.conversations[0]?.id ?? null;
  });
});
afterAll(async () => {
  await hub.stop();
  await peer.close();
});

describe("the agent's knowledge-base article picker", () => {
  it("suggests the articles that answer the customer's recent messages, in their language, with a snippet", async () => {
    const res = await get(hub, ws.token, `/api/conversations/${conversationId}/suggested-articles?limit=3`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { language: string; articles: Json[] };
    expect(body.language).toBe('fa');
    expect(body.articles[0]).toMatchObject({
      articleId: articleIds.get('fa-change-address'),
      title: 'تغییر آدرس تحویل سفارش',
      language: 'fa',
      link: `https://help.shop.example/fa/${encodeURIComponent('تغییر-آدرس-تحویل-سفارش')}`,
    });
    expect(String(body.articles[0]!.snippet).length).toBeGreaterThan(20);
    expect(body.articles.every((a) => a.language === 'fa')).toBe(true);
  });

  it('renders an article as reply text with its title and link, which the agent sends on the channel', async () => {
    const articleId = articleIds.get('fa-change-address')!;
    const rendered = (
      await get(hub, ws.token, `/api/knowledge/articles/${articleId}/render?conversationId=${conversationId}`)
    ).json() as { text: string; link: string };
    expect(rendered.text).toContain('منبع: «تغییر آدرس تحویل سفارش»');
    expect(rendered.text.endsWith(rendered.link)).toBe(true);
    expect(rendered.text).not.toMatch(/^#|\*\*/m);
    const linkOnly = (
      await get(hub, ws.token, `/api/knowledge/articles/${articleId}/render?format=link`)
    ).json() as { text: string };
    expect(linkOnly.text).toBe(`منبع: «تغییر آدرس تحویل سفارش»\n${rendered.link}`);

    const sent = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversationId}/messages`,
      headers: as(ws.token),
      payload: { body: rendered.text },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const delivered = await waitFor(async () => peer.requests.find((r) => r.url === '/send') ?? null);
    expect(JSON.parse(delivered.body).text).toBe(rendered.text);
  });

  it("answers 404 for another workspace's conversation and an unknown article", async () => {
    const other = await newWorkspace(hub);
    const foreign = await get(hub, other.token, `/api/conversations/${conversationId}/suggested-articles`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('PSK_CONVERSATION_NOT_FOUND');
    const unknown = await get(hub, ws.token, `/api/knowledge/articles/${conversationId}/render`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('PSK_ARTICLE_NOT_FOUND');
    const badId = await get(hub, ws.token, '/api/conversations/not-a-uuid/suggested-articles');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.field).toBe('params.id');
  });
});
