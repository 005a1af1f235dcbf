import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_SECRET_HEADER } from '../channels/telegram/telegram.adapter.ts';
import {
  ALWAYS_OPEN,
  type RecordedRequest,
  startDeskHub,
  startPeer,
  waitFor,
} from '../inbox/testing/desk-test-hub.ts';
import { get, inviteMember, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { readHelpCenter } from './fixtures/help-center.ts';

type Json = Record<string, unknown>;
type Message = {
  id: string;
  senderType: string;
  direction: string;
  private: boolean;
  body: string;
  status: string;
};

const SECRET_TOKEN = 'tg_desk_bot_secret-1';
const ARTICLE_URL = 'https://help.shop.example/{language}/articles/{id}-{slug}';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;
let telegram: Awaited<ReturnType<typeof startPeer>>;
let inboxId: string;
let ava: { token: string; userId: string };
const articleIds = new Map<string, string>();
let updateId = 1000;

const as = (token: string) => ({ authorization: `Bearer ${token}` });

/** A Telegram Bot API update, as Telegram posts it to the webhook with the secret-token header. */
async function customerWrites(user: { id: number; username: string }, text: string) {
  updateId += 1;
  const response = await hub.app.inject({
    method: 'POST',
    url: `/api/webhooks/${inboxId}`,
    headers: { 'content-type': 'application/json', [TELEGRAM_SECRET_HEADER]: SECRET_TOKEN },
    payload: JSON.stringify({
      update_id: updateId,
      message: {
        message_id: updateId,
        from: { id: user.id, is_bot: false, first_name: 'Customer', username: user.username },
        chat: { id: user.id, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text,
      },
    }),
  });
  expect(response.statusCode, response.body).toBe(200);
}

const sentTo = (chatId: number): { chat_id: number; text: string }[] =>
  telegram.requests
    .filter((r: RecordedRequest) => r.url.endsWith('/sendMessage'))
    .map((r) => JSON.parse(r.body) as { chat_id: number; text: string })
    .filter((body) => body.chat_id === chatId);

/** The customer's conversation, found by their Telegram user id (the identifier the desk keeps). */
async function conversationOf(user: { id: number }): Promise<Json> {
  const customer = await waitFor(async () => {
    const found = await get(hub, ws.token, `/api/customers/lookup?type=telegram&value=${user.id}`);
    return found.statusCode === 200 ? (found.json() as { id: string }) : null;
  });
  return waitFor(async () => {
    const list = (await get(hub, ws.token, `/api/conversations?customerId=${customer.id}`)).json() as {
      conversations: Json[];
    };
    return list.conversations[0] ?? null;
  });
}

async function messagesOf(conversationId: unknown): Promise<Message[]> {
  return (
    (await get(hub, ws.token, `/api/conversations/${String(conversationId)}/messages`)).json() as {
      messages: Message[];
    }
  ).messages;
}

/** Lets the webhook job and its hooks finish (the bot runs after the message is stored). */
async function settled(conversationId: unknown, customerMessages: number) {
  await waitFor(async () => {
    const messages = await messagesOf(conversationId);
    return messages.filter((m) => m.senderType === 'customer').length >= customerMessages;
  });
  await waitFor(async () => {
    const jobs = await hub.database.db.asSystem((tx) =>
      tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status IN ('queued', 'running')`),
    );
    return jobs[0]?.n === 0;
  });
}

beforeAll(async () => {
  process.env.PISHKHAN_LLM_URL = '';
  hub = await startDeskHub();
  ws = await newWorkspace(hub);
  telegram = await startPeer((request, n) => {
    const body = JSON.parse(request.body || '{}') as { chat_id?: number };
    return { status: 200, body: { ok: true, result: { message_id: 5000 + n, chat: { id: body.chat_id } } } };
  });
  ava = await inviteMember(hub, ws.token, { name: 'ava', role: 'agent' });
  await hub.app.inject({
    method: 'PATCH',
    url: '/api/desk/settings',
    headers: as(ws.token),
    payload: { week: ALWAYS_OPEN, officialHolidays: false },
  });
  for (const { key, ...article } of readHelpCenter()) {
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/knowledge/articles',
      headers: as(ws.token),
      payload: article,
    });
    articleIds.set(key, (created.json() as { id: string }).id);
  }
  const inbox = await hub.app.inject({
    method: 'POST',
    url: '/api/inboxes',
    headers: as(ws.token),
    payload: {
      channel: 'telegram',
      name: 'Shop bot',
      config: { botToken: '7000000001:AAE-test', secretToken: SECRET_TOKEN, baseUrl: telegram.url },
    },
  });
  expect(inbox.statusCode, inbox.body).toBe(200);
  inboxId = (inbox.json() as { id: string }).id;
  const settings = await hub.app.inject({
    method: 'PATCH',
    url: '/api/knowledge/bot/settings',
    headers: as(ws.token),
    payload: { articleUrl: ARTICLE_URL },
  });
  expect(settings.statusCode, settings.body).toBe(200);
});
afterAll(async () => {
  await hub.stop();
  await telegram.close();
});

describe('the answer bot on the service desk', () => {
  it('is on for Telegram by default and lists every inbox with where its setting comes from', async () => {
    const settings = (await get(hub, ws.token, '/api/knowledge/bot/settings')).json();
    expect(settings).toMatchObject({
      articleUrl: ARTICLE_URL,
      knowledgeBaseReady: true,
      channelDefaults: { telegram: true, webchat: true, email: false, sms_twilio: false, voice: false },
      inboxes: [{ inboxId, channel: 'telegram', enabled: true, setBy: 'channel-default' }],
    });
  });

  it('answers a Telegram question from the knowledge base, citing the article, and closes on thanks', async () => {
    const customer = { id: 710001, username: 'sara_shop' };
    await customerWrites(customer, 'Where do I enter the post tracking code of my parcel?');
    const [reply] = await waitFor(async () => (sentTo(customer.id).length > 0 ? sentTo(customer.id) : null));
    const trackId = articleIds.get('en-track-order')!;
    expect(reply!.text).toContain('Source: "How to track your order"');
    expect(reply!.text).toContain(`https://help.shop.example/en/articles/${trackId}-how-to-track-your-order`);
    expect(reply!.text).toMatch(/track/i);
    expect(reply!.text).not.toMatch(/^#|\*\*/m);

    const conversation = await conversationOf(customer);
    // The bot holds the conversation: automatic assignment waits for a hand-over.
    expect(conversation.assigneeId).toBeNull();
    const messages = await messagesOf(conversation.id);
    const bot = messages.find((m) => m.senderType === 'bot')!;
    expect(bot).toMatchObject({ direction: 'outbound', private: false });
    expect(bot.body).toContain('How to track your order');
    await waitFor(async () =>
      (await messagesOf(conversation.id)).some((m) => m.senderType === 'bot' && m.status === 'sent'),
    );

    await customerWrites(customer, 'Thanks, that helped!');
    const resolved = await waitFor(async () => {
      const c = (await get(hub, ws.token, `/api/conversations/${String(conversation.id)}`)).json() as Json;
      return c.status === 'resolved' ? c : null;
    });
    expect(resolved.assigneeId).toBeNull();
    expect(sentTo(customer.id)).toHaveLength(1);

    // The customer's messages carry their sentiment on the timeline.
    const timeline = (
      await get(
        hub,
        ws.token,
        `/api/customers/${String(conversation.customerId)}/timeline?event=Message%20Received`,
      )
    ).json() as { events: { properties: Json }[] };
    const thanks = timeline.events.find((e) => e.properties.text === 'Thanks, that helped!');
    expect(thanks?.properties).toMatchObject({ sentiment: 'positive' });
    expect(thanks?.properties.sentimentScore).toBeGreaterThan(0);
  });

  it('greets a greeting in the customer’s language instead of handing it over', async () => {
    const customer = { id: 710002, username: 'reza_greets' };
    await customerWrites(customer, 'سلام، وقت بخیر');
    const [greeting] = await waitFor(async () =>
      sentTo(customer.id).length > 0 ? sentTo(customer.id) : null,
    );
    expect(greeting!.text).toMatch(/^سلام!/);
    // A greeting before a question is not part of the question.
    await customerWrites(customer, 'سلام وقت بخیر، چطور سفارشم را لغو کنم؟');
    const answers = await waitFor(async () => (sentTo(customer.id).length > 1 ? sentTo(customer.id) : null));
    expect(answers[1]!.text).toContain('منبع: «لغو سفارش»');
  });

  it('hands a question it cannot answer to a person with a summary note, routes it, and stays quiet after', async () => {
    const customer = { id: 710003, username: 'angry_customer' };
    await customerWrites(customer, 'پیک خیلی بی‌ادب بود و می‌خواهم شکایت کنم');
    const conversation = await waitFor(async () => {
      const c = await conversationOf(customer);
      return c.assigneeId ? c : null;
    });
    expect(conversation.assigneeId).toBe(ava.userId);
    const note = (await messagesOf(conversation.id)).find((m) => m.private)!;
    expect(note.body).toContain('ربات پاسخگو گفتگو را به کارشناس سپرد');
    expect(note.body).toContain('پرسش مشتری (ناراضی)');
    expect(note.body).toContain('شکایت');
    const notifications = (await get(hub, ava.token, '/api/notifications')).json() as {
      notifications: Json[];
    };
    expect(notifications.notifications.some((n) => n.conversationId === conversation.id)).toBe(true);

    // A question the bot could answer: the conversation is a person's now.
    await customerWrites(customer, 'How do I reset my password?');
    await settled(conversation.id, 2);
    expect(sentTo(customer.id)).toEqual([]);
  });

  it('stops answering once an agent takes the conversation', async () => {
    const customer = { id: 710004, username: 'taken_over' };
    await customerWrites(customer, 'چطور سفارشم را لغو کنم؟');
    await waitFor(async () => (sentTo(customer.id).length > 0 ? true : null));
    const conversation = await conversationOf(customer);
    const taken = await hub.app.inject({
      method: 'PATCH',
      url: `/api/conversations/${String(conversation.id)}`,
      headers: as(ava.token),
      payload: { assigneeId: ava.userId },
    });
    expect(taken.statusCode).toBe(200);
    await customerWrites(customer, 'I forgot my password');
    await settled(conversation.id, 2);
    expect(sentTo(customer.id)).toHaveLength(1);
  });

  it('leaves an inbox alone when the bot is turned off there: routing assigns at once', async () => {
    const off = await hub.app.inject({
      method: 'PATCH',
      url: '/api/knowledge/bot/settings',
      headers: as(ws.token),
      payload: { inboxes: { [inboxId]: false } },
    });
    expect(off.json().inboxes[0]).toMatchObject({ enabled: false, setBy: 'inbox' });
    const customer = { id: 710005, username: 'bot_off' };
    await customerWrites(customer, 'How do I cancel my order?');
    const conversation = await conversationOf(customer);
    expect(conversation.assigneeId).toBe(ava.userId);
    await settled(conversation.id, 1);
    expect(sentTo(customer.id)).toEqual([]);
    const back = await hub.app.inject({
      method: 'PATCH',
      url: '/api/knowledge/bot/settings',
      headers: as(ws.token),
      payload: { inboxes: { [inboxId]: null } },
    });
    expect(back.json().inboxes[0]).toMatchObject({ enabled: true, setBy: 'channel-default' });
  });

  it('refuses a setting for an inbox of another workspace or a link template without a placeholder', async () => {
    const other = await newWorkspace(hub);
    const foreign = await hub.app.inject({
      method: 'PATCH',
      url: '/api/knowledge/bot/settings',
      headers: as(other.token),
      payload: { inboxes: { [inboxId]: true } },
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error).toMatchObject({ code: 'PSK_INBOX_NOT_FOUND', field: `inboxes.${inboxId}` });
    const badUrl = await hub.app.inject({
      method: 'PATCH',
      url: '/api/knowledge/bot/settings',
      headers: as(ws.token),
      payload: { articleUrl: 'https://help.shop.example/articles' },
    });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().error.field).toBe('body.articleUrl');
  });

  it('counts the conversation the bot resolved as deflected in the service metrics', async () => {
    // Close the handed-over conversation the way an agent does: a reply, then resolve.
    const handed = await conversationOf({ id: 710003 });
    await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${String(handed.id)}/messages`,
      headers: as(ava.token),
      payload: { body: 'متأسفیم؛ موضوع را پیگیری می‌کنیم.' },
    });
    await hub.app.inject({
      method: 'PATCH',
      url: `/api/conversations/${String(handed.id)}`,
      headers: as(ava.token),
      payload: { status: 'resolved' },
    });
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const metrics = (
      await get(hub, ws.token, `/api/service-metrics?from=${from}&to=${to}&groupBy=channel`)
    ).json() as { rows: Json[] };
    const row = metrics.rows.find((r) => r.key === 'telegram')!;
    // Resolved: the one the bot closed on thanks and the one an agent answered.
    expect(row).toMatchObject({ resolved: 2, botDeflectionRate: 0.5 });
  });
});
