import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { startDeskHub, waitFor } from '../inbox/testing/desk-test-hub.ts';

type Json = Record<string, unknown>;
const SECRET = 'kavenegar-receive-secret-0123456789';

describe('webhooks delivered by GET', () => {
  let hub: TestHub;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let inboxId: string;

  beforeAll(async () => {
    hub = await startDeskHub();
    ws = await newWorkspace(hub);
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/inboxes',
      headers: { authorization: `Bearer ${ws.token}` },
      payload: {
        channel: 'sms_kavenegar',
        name: 'SMS line',
        config: { apiKey: 'kavenegar-api-key', sender: '10004346', webhookSecret: SECRET },
      },
    });
    expect(created.statusCode).toBe(200);
    inboxId = (created.json() as Json).id as string;
  });
  afterAll(async () => {
    await hub.stop();
  });

  // Kavenegar calls the receive URL registered in its panel with GET and the message in the query.
  const kavenegarGet = (secret: string, messageid: string) =>
    hub.app.inject({
      method: 'GET',
      url: `/api/webhooks/${inboxId}?${new URLSearchParams({
        secret,
        messageid,
        from: '09121234567',
        to: '10004346',
        message: 'سلام، کد تخفیف من کار نمی‌کند',
      }).toString()}`,
    });

  it('takes an inbound Kavenegar SMS sent by GET and starts a conversation with the sender', async () => {
    const answer = await kavenegarGet(SECRET, '409412345');
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ received: true });
    const conversations = await waitFor(async () => {
      const list = (
        (await get(hub, ws.token, `/api/conversations?inboxId=${inboxId}`)).json() as {
          conversations: Json[];
        }
      ).conversations;
      return list.length > 0 && list;
    });
    expect(conversations).toHaveLength(1);
    const conversation = conversations[0]!;
    expect(conversation).toMatchObject({ status: 'open', channel: 'sms_kavenegar' });
    const messages = (
      (await get(hub, ws.token, `/api/conversations/${conversation.id}/messages`)).json() as {
        messages: Json[];
      }
    ).messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ direction: 'inbound', body: 'سلام، کد تخفیف من کار نمی‌کند' });
    const customer = (await get(hub, ws.token, `/api/customers/${conversation.customerId}`)).json() as Json;
    expect(JSON.stringify(customer)).toContain('+989121234567');
  });

  it('refuses a GET without the inbox secret, and stores nothing', async () => {
    const answer = await kavenegarGet('not-the-secret-at-all', '409412346');
    expect(answer.statusCode).toBe(401);
    expect((answer.json() as { error: Json }).error.code).toBe('PSK_WEBHOOK_SIGNATURE_INVALID');
    await hub.desk.jobs.drain();
    const list = (
      (await get(hub, ws.token, `/api/conversations?inboxId=${inboxId}`)).json() as { conversations: Json[] }
    ).conversations;
    expect(list).toHaveLength(1);
  });
});
