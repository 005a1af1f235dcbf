import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page, type WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ALWAYS_OPEN, startDeskHub, waitFor } from '../inbox/testing/desk-test-hub.ts';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';

type Json = Record<string, unknown>;

describe('web chat widget in a real browser', () => {
  let hub: TestHub;
  let base: string;
  let page: Server;
  let pageUrl: string;
  let browser: Browser;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let inbox: { id: string; widgetScript: string };
  const auth = () => ({ authorization: `Bearer ${ws.token}` });
  /** The visitor opens the chat on the page, gives an e-mail and sends `text`; the widget. */
  const visitorSends = async (tab: Page, email: string, text: string) => {
    await tab.goto(pageUrl);
    const widget = tab.locator('#pishkhan-chat');
    await widget.locator('button.l').click();
    await widget.locator('form.pre input[name=email]').fill(email);
    await widget.locator('form.pre button').click();
    await widget.locator('form.c input[name=text]').fill(text);
    await widget.locator('form.c button').click();
    return widget;
  };
  /** The stored messages of the conversation of the customer with this e-mail, once it has one. */
  const storedMessages = async (email: string) => {
    const conversation = await waitFor(async () => {
      const found = await get(hub, ws.token, `/api/customers/lookup?type=email&value=${email}`);
      if (found.statusCode !== 200) return null;
      const { id } = found.json() as { id: string };
      const list = (await get(hub, ws.token, `/api/conversations?customerId=${id}`)).json() as {
        conversations: Json[];
      };
      return list.conversations[0];
    });
    return (
      (await get(hub, ws.token, `/api/conversations/${conversation.id}/messages`)).json() as {
        messages: Json[];
      }
    ).messages;
  };

  /** A chat socket of the visitor's own (no widget) on a new session for `email`, and what it receives. */
  const visitorSocket = async (email: string) => {
    const opened = (
      await hub.app.inject({ method: 'POST', url: `/webchat/${inbox.id}/session`, payload: { email } })
    ).json() as { session: string };
    const visitor = new WebSocket(
      `${base.replace('http', 'ws')}/webchat/${inbox.id}/socket?session=${encodeURIComponent(opened.session)}`,
    );
    const frames: Json[] = [];
    visitor.on('message', (d) => frames.push(JSON.parse(String(d)) as Json));
    return { visitor, frames };
  };
  /**
   * Routes the widget's chat socket in `tab`: its first connection as `first` passes frames on
   * between the widget's side and the hub's (or not), until `drop` ends it; later connections pass
   * everything on and keep in `later` the frames the widget sent, or those it received.
   */
  const reconnectingSocket = async (
    tab: Page,
    keep: 'sent' | 'received',
    first: (widgetSide: WebSocketRoute, hubSide: WebSocketRoute) => void,
  ) => {
    let connections = 0;
    const socket = { drop: () => {}, later: [] as string[] };
    await tab.routeWebSocket(/\/webchat\/.*\/socket/, (route) => {
      const hubSide = route.connectToServer();
      if (++connections === 1) {
        first(route, hubSide);
        socket.drop = () => void route.close();
        return;
      }
      const [from, to] = keep === 'sent' ? [route, hubSide] : [hubSide, route];
      from.onMessage((frame) => {
        socket.later.push(String(frame));
        to.send(frame);
      });
    });
    return socket;
  };

  beforeAll(async () => {
    hub = await startDeskHub();
    await hub.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}`;
    ws = await newWorkspace(hub);
    await hub.app.inject({
      method: 'PATCH',
      url: '/api/desk/settings',
      headers: auth(),
      payload: { week: ALWAYS_OPEN, officialHolidays: false },
    });
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/inboxes',
      headers: { ...auth(), host: base.replace('http://', '') },
      payload: { channel: 'webchat', name: 'Site chat', config: { title: 'پشتیبانی فروشگاه', lang: 'fa' } },
    });
    expect(created.statusCode).toBe(200);
    inbox = created.json() as { id: string; widgetScript: string };
    expect(inbox.widgetScript).toContain(`data-inbox="${inbox.id}"`);
    // Another site embeds the chat with the one script tag.
    page = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="fa" dir="rtl"><body><h1>فروشگاه</h1>${inbox.widgetScript}</body></html>`,
      );
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => page.close(() => resolve()));
    await hub.stop();
  });

  it('identifies the visitor before the chat, relays messages and typing both ways, right to left', async () => {
    const tab = await browser.newPage();
    await tab.goto(pageUrl);
    const widget = tab.locator('#pishkhan-chat');
    await widget.locator('button.l').click();
    await widget.locator('form.pre input[name=name]').fill('مریم');
    await widget.locator('form.pre input[name=email]').fill('maryam@example.com');
    await widget.locator('form.pre button').click();
    await widget.locator('form.c input[name=text]').waitFor({ state: 'visible' });
    expect(await widget.locator('.w').getAttribute('dir')).toBe('rtl');
    await widget.locator('form.c input[name=text]').fill('سلام، سفارش ۱۰۴۲ کجاست؟');
    await widget.locator('form.c button').click();

    const [conversation] = await waitFor(async () => {
      const list = (
        (await get(hub, ws.token, `/api/conversations?inboxId=${inbox.id}`)).json() as {
          conversations: Json[];
        }
      ).conversations;
      return list.length > 0 && list;
    });
    const customer = (await get(hub, ws.token, `/api/customers/${conversation!.customerId}`)).json() as {
      identities: Json[];
      traits: Json;
    };
    expect(customer.identities).toEqual(
      expect.arrayContaining([{ type: 'email', value: 'maryam@example.com' }]),
    );
    expect(customer.traits.name).toBe('مریم');

    // The agent types (over the agents' socket) and the visitor sees it.
    const agent = new WebSocket(`${base.replace('http', 'ws')}/api/realtime?token=${ws.token}`);
    const agentFrames: Json[] = [];
    agent.on('message', (d) => agentFrames.push(JSON.parse(String(d)) as Json));
    await waitFor(async () => agentFrames.some((f) => f.type === 'ready'));
    agent.send(JSON.stringify({ type: 'typing', conversationId: conversation!.id, on: true }));
    await widget.locator('.n', { hasText: 'در حال نوشتن' }).waitFor();

    // The visitor types and the agent sees it.
    await widget.locator('form.c input[name=text]').pressSequentially('ممنون');
    await waitFor(async () =>
      agentFrames.find((f) => f.type === 'typing' && (f.payload as Json).visitor === true),
    );

    await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation!.id}/messages`,
      headers: auth(),
      payload: { body: 'سلام مریم، امروز ارسال می‌شود.' },
    });
    await widget.locator('.x.a', { hasText: 'امروز ارسال می‌شود' }).waitFor();
    const messages = (
      (await get(hub, ws.token, `/api/conversations/${conversation!.id}/messages`)).json() as {
        messages: Json[];
      }
    ).messages;
    await waitFor(async () => {
      const m = (
        (await get(hub, ws.token, `/api/conversations/${conversation!.id}/messages`)).json() as {
          messages: Json[];
        }
      ).messages;
      return m.find((x) => x.direction === 'outbound' && x.status === 'sent');
    });
    expect(messages[0]).toMatchObject({ direction: 'inbound', body: 'سلام، سفارش ۱۰۴۲ کجاست؟' });

    // A returning visitor (reload) sees the conversation again.
    await tab.reload();
    await widget.locator('button.l').click();
    await widget.locator('.x.a', { hasText: 'امروز ارسال می‌شود' }).waitFor();
    expect(await widget.locator('.x.v').count()).toBe(1);
    agent.close();
    await tab.close();
  });

  it('keeps a message the visitor sends while the hub is still checking the chat session', async () => {
    const { visitor, frames } = await visitorSocket('early@example.com');
    // Sent the moment the socket opens, before the hub's "ready".
    visitor.on('open', () =>
      visitor.send(JSON.stringify({ type: 'message', text: 'زود فرستادم', clientId: 'early-1' })),
    );
    const ack = await waitFor(async () => frames.find((f) => f.type === 'ack'));
    expect(ack.clientId).toBe('early-1');
    expect(frames.findIndex((f) => f.type === 'ready')).toBeLessThan(frames.indexOf(ack));
    visitor.close();
  });

  it('answers a message it refuses with the field at fault, and stores only the valid ones', async () => {
    const { visitor, frames } = await visitorSocket('refused@example.com');
    await waitFor(async () => frames.some((f) => f.type === 'ready'));
    visitor.send(JSON.stringify({ type: 'message', text: 'ب'.repeat(5001), clientId: 'too-long-1' }));
    // Frames without a message's clientId are ignored, as before; the socket goes on.
    visitor.send('not json');
    visitor.send(JSON.stringify({ type: 'message', text: '' }));
    visitor.send(JSON.stringify({ type: 'message', text: 'کوتاه', clientId: 'short-1' }));
    const ack = await waitFor(async () => frames.find((f) => f.type === 'ack'));
    expect(ack.clientId).toBe('short-1');
    const rejected = frames.filter((f) => f.type === 'rejected');
    expect(rejected).toEqual([
      { type: 'rejected', clientId: 'too-long-1', reason: expect.stringMatching(/^text: /) },
    ]);
    expect((await storedMessages('refused@example.com')).map((m) => m.body)).toEqual(['کوتاه']);
    visitor.close();
  });

  it('shows a message the hub refuses as not sent, and does not send it again on reconnecting', async () => {
    const tab = await browser.newPage();
    // The first connection passes the visitor's message on made too long for the hub.
    const socket = await reconnectingSocket(tab, 'sent', (widgetSide, hubSide) =>
      widgetSide.onMessage((frame) => {
        const sent = JSON.parse(String(frame)) as Json;
        hubSide.send(JSON.stringify(sent.type === 'message' ? { ...sent, text: 'ج'.repeat(5001) } : sent));
      }),
    );
    const widget = await visitorSends(tab, 'not-sent@example.com', 'پیامی که نمی‌رسد');
    await widget.locator('.x.v.f', { hasText: 'ارسال نشد' }).waitFor();
    const history = tab.waitForResponse((r) => r.url().includes('/history'));
    socket.drop();
    await history;
    await widget.locator('form.c input[name=text]').fill('پیام دوم');
    await widget.locator('form.c button').click();
    const messages = await storedMessages('not-sent@example.com');
    expect(messages.map((m) => m.body)).toEqual(['پیام دوم']);
    const sentAgain = socket.later.map((f) => JSON.parse(f) as Json).filter((f) => f.type === 'message');
    expect(sentAgain.map((f) => f.text)).toEqual(['پیام دوم']);
    await tab.close();
  });

  it('sends a message typed while the chat is still connecting once the hub is ready', async () => {
    const tab = await browser.newPage();
    // The widget's socket reaches the hub only when the test lets it.
    let connect = () => {};
    await tab.routeWebSocket(/\/webchat\/.*\/socket/, (route) => {
      connect = () => route.connectToServer();
    });
    const widget = await visitorSends(tab, 'late@example.com', 'هنوز وصل نشده‌ام');
    await widget.locator('.x.v', { hasText: 'هنوز وصل نشده‌ام' }).waitFor();
    connect();
    const messages = await storedMessages('late@example.com');
    expect(messages.map((m) => m.body)).toEqual(['هنوز وصل نشده‌ام']);
    await tab.close();
  });

  it('shows a message once when its acknowledgement was lost and the chat reconnects', async () => {
    const tab = await browser.newPage();
    // The first connection loses the hub's acknowledgements.
    const socket = await reconnectingSocket(tab, 'received', (widgetSide, hubSide) =>
      hubSide.onMessage((frame) => {
        if (!String(frame).includes('"ack"')) widgetSide.send(frame);
      }),
    );
    const widget = await visitorSends(tab, 'lost-ack@example.com', 'یک بار');
    // Stored before the first connection is dropped.
    await storedMessages('lost-ack@example.com');
    const history = tab.waitForResponse((r) => r.url().includes('/history'));
    socket.drop();
    // Reconnected: the widget sends the message again (the hub keeps one) and reads the history.
    await history;
    await waitFor(async () => socket.later.some((f) => f.includes('"ack"')));
    expect(await widget.locator('.x.v').allTextContents()).toEqual(['یک بار']);
    expect(await storedMessages('lost-ack@example.com')).toHaveLength(1);
    await tab.close();
  });

  it('keeps a message the hub never acknowledged across a reload of the page, and sends it once', async () => {
    const tab = await browser.newPage();
    // Until the page is reloaded, the widget's socket does not reach the hub.
    let reachHub = false;
    await tab.routeWebSocket(/\/webchat\/.*\/socket/, (route) => {
      if (reachHub) route.connectToServer();
    });
    const widget = await visitorSends(tab, 'reload@example.com', 'قبل از بارگذاری دوباره');
    await widget.locator('.x.v', { hasText: 'قبل از بارگذاری دوباره' }).waitFor();
    reachHub = true;
    await tab.reload();
    await widget.locator('button.l').click();
    const messages = await storedMessages('reload@example.com');
    expect(messages.map((m) => m.body)).toEqual(['قبل از بارگذاری دوباره']);
    await widget.locator('.x.v', { hasText: 'قبل از بارگذاری دوباره' }).waitFor();
    expect(await widget.locator('.x.v').count()).toBe(1);
    await tab.close();
  });

  it('asks for an e-mail when nobody is online', async () => {
    await hub.app.inject({
      method: 'PATCH',
      url: '/api/desk/settings',
      headers: auth(),
      payload: { week: { sat: [], sun: [], mon: [], tue: [], wed: [], thu: [], fri: [] } },
    });
    const session = await hub.app.inject({
      method: 'POST',
      url: `/webchat/${inbox.id}/session`,
      payload: {},
    });
    expect(session.json()).toMatchObject({ online: false });
    const tab = await browser.newPage();
    await tab.goto(pageUrl);
    const widget = tab.locator('#pishkhan-chat');
    await widget.locator('button.l').click();
    await widget.locator('.off').waitFor({ state: 'visible' });
    await widget.locator('form.pre button').click();
    await widget.locator('.n', { hasText: 'ایمیل لازم است' }).waitFor();
    await tab.close();
    const bad = await hub.app.inject({
      method: 'POST',
      url: `/webchat/${inbox.id}/session`,
      payload: { email: 'not-an-email' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
