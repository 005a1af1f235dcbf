import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpListener, type SmtpListener } from '../channels/email/smtp-listener.ts';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { acceptInboundMail, acceptsMailFor } from './mail-intake.ts';
import { startDeskHub, startPeer, waitFor } from './testing/desk-test-hub.ts';

type Json = Record<string, unknown>;

/** A WhatsApp Cloud API webhook exactly as Meta documents it, signed as Meta signs it. */
function whatsappWebhook(input: {
  appSecret: string;
  phoneNumberId: string;
  from: string;
  id: string;
  text: string;
}) {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '982191000000', phone_number_id: input.phoneNumberId },
              contacts: [{ profile: { name: 'Sara Ahmadi' }, wa_id: input.from }],
              messages: [
                {
                  from: input.from,
                  id: input.id,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: input.text },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const signature = `sha256=${createHmac('sha256', input.appSecret).update(body).digest('hex')}`;
  return { body, signature };
}

describe('one customer, one history across channels', () => {
  let hub: TestHub;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let graph: Awaited<ReturnType<typeof startPeer>>;
  let listener: SmtpListener;
  const auth = () => ({ authorization: `Bearer ${ws.token}` });

  beforeAll(async () => {
    hub = await startDeskHub();
    ws = await newWorkspace(hub);
    listener = await startSmtpListener({
      port: 0,
      host: '127.0.0.1',
      maxSizeBytes: 5 * 1024 * 1024,
      acceptsRecipient: (address) => acceptsMailFor(hub.desk, address),
      onMessage: async (raw, envelope) => {
        await acceptInboundMail(hub.desk, { raw, envelope });
      },
    });
    graph = await startPeer((_r, n) => ({
      status: 200,
      body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.OUT${n}` }] },
    }));
  });
  afterAll(async () => {
    await listener.close();
    await hub.stop();
    await graph.close();
  });

  it('joins an e-mail sender and a WhatsApp sender with the phone from the signature: one customer, one timeline, one conversation', async () => {
    const mail = (
      await hub.app.inject({
        method: 'POST',
        url: '/api/inboxes',
        headers: auth(),
        payload: {
          channel: 'email',
          name: 'Support mailbox',
          config: {
            address: 'support@shop.example',
            smtp: { host: '127.0.0.1', port: 2525, secure: false, starttls: 'off' },
          },
        },
      })
    ).json() as { id: string };
    const whatsapp = (
      await hub.app.inject({
        method: 'POST',
        url: '/api/inboxes',
        headers: auth(),
        payload: {
          channel: 'whatsapp',
          name: 'WhatsApp +98 21 9100 0000',
          config: {
            appSecret: 'meta-app-secret',
            verifyToken: 'verify-me',
            accessToken: 'EAAG-token',
            phoneNumberId: '1234567890',
            baseUrl: graph.url,
          },
        },
      })
    ).json() as { id: string; webhookUrl: string };
    expect(whatsapp.id).toBeTruthy();

    // Meta's URL check.
    const challenge = await hub.app.inject({
      method: 'GET',
      url: `/api/webhooks/${whatsapp.id}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`,
    });
    expect(challenge.statusCode).toBe(200);
    expect(challenge.body).toBe('1158201444');

    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.port,
      secure: false,
      ignoreTLS: true,
    });
    await client.sendMail({
      from: 'Sara Ahmadi <sara.ahmadi@example.com>',
      to: 'support@shop.example',
      subject: 'Order 1042 not delivered',
      text: 'Hello,\nmy order 1042 has not arrived yet.\n\n-- \nSara Ahmadi\nMobile: 0912 345 6789\n',
    });
    const [first] = await waitFor(async () => {
      const list = ((await get(hub, ws.token, '/api/conversations')).json() as { conversations: Json[] })
        .conversations;
      return list.length > 0 && list;
    });

    const signed = whatsappWebhook({
      appSecret: 'meta-app-secret',
      phoneNumberId: '1234567890',
      from: '989123456789',
      id: 'wamid.HBgM1',
      text: 'Any news about 1042?',
    });
    const bad = await hub.app.inject({
      method: 'POST',
      url: `/api/webhooks/${whatsapp.id}`,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
      payload: signed.body,
    });
    expect(bad.statusCode).toBe(401);
    const good = await hub.app.inject({
      method: 'POST',
      url: `/api/webhooks/${whatsapp.id}`,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signed.signature },
      payload: signed.body,
    });
    expect(good.statusCode).toBe(200);

    const messages = await waitFor(async () => {
      const list = (
        (await get(hub, ws.token, `/api/conversations/${first!.id}/messages`)).json() as { messages: Json[] }
      ).messages;
      return list.length === 2 && list;
    });
    expect(messages.map((m) => String(m.body).trim())).toEqual([
      'Hello,\nmy order 1042 has not arrived yet.\n\n-- \nSara Ahmadi\nMobile: 0912 345 6789',
      'Any news about 1042?',
    ]);
    const customers = ((await get(hub, ws.token, '/api/conversations')).json() as { conversations: Json[] })
      .conversations;
    expect(customers).toHaveLength(1);
    const conversation = (await get(hub, ws.token, `/api/conversations/${first!.id}`)).json() as Json;
    expect(conversation).toMatchObject({ channel: 'whatsapp', inboxId: mail.id, replyInboxId: whatsapp.id });

    const customer = (await get(hub, ws.token, `/api/customers/${first!.customerId}`)).json() as {
      identities: Json[];
    };
    expect(customer.identities).toEqual(
      expect.arrayContaining([
        { type: 'email', value: 'sara.ahmadi@example.com' },
        { type: 'phone', value: '+989123456789' },
        { type: 'whatsapp', value: '+989123456789' },
      ]),
    );
    const timeline = (await get(hub, ws.token, `/api/customers/${first!.customerId}/timeline`)).json() as {
      events: Json[];
    };
    expect(
      timeline.events
        .filter((e) => e.event === 'Message Received')
        .map((e) => e.channel)
        .sort(),
    ).toEqual(['email', 'whatsapp']);

    // The reply goes out where the customer wrote last: WhatsApp, through the Graph API peer.
    await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${first!.id}/messages`,
      headers: auth(),
      payload: { body: 'It ships today.' },
    });
    const sent = await waitFor(async () =>
      graph.requests.find((r) => r.url.includes('/1234567890/messages')),
    );
    expect(sent.headers.authorization).toBe('Bearer EAAG-token');
    expect(JSON.parse(sent.body)).toMatchObject({
      messaging_product: 'whatsapp',
      to: '989123456789',
      text: { body: 'It ships today.' },
    });
  });
});
