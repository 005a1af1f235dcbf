import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { postSigned, startDeskHub, startPeer, testAdapter, waitFor } from './testing/desk-test-hub.ts';

type Json = Record<string, unknown>;
const SECRET = 'test-secret-123456';
const PDF = Buffer.from('%PDF-1.4\n% quote\n%%EOF\n');
const file = (filename = 'quote.pdf') => ({
  filename,
  contentType: 'application/pdf',
  contentBase64: PDF.toString('base64'),
});

// Files on a channel that sends attachments only as public links (Telegram here, through the
// signed test adapter posing as it): refused when posted, kept with a private note.
describe('attachments on a channel that cannot send files', () => {
  let hub: TestHub;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let peer: Awaited<ReturnType<typeof startPeer>>;
  let conversationId = '';
  const headers = () => ({ authorization: `Bearer ${ws.token}` });
  const post = (payload: Json) =>
    hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversationId}/messages`,
      headers: headers(),
      payload,
    });
  const messages = async () =>
    (
      (await get(hub, ws.token, `/api/conversations/${conversationId}/messages`)).json() as {
        messages: { id: string; direction: string; attachments: Json[] }[];
      }
    ).messages;

  beforeAll(async () => {
    hub = await startDeskHub({ mailPollTickMs: 0 });
    hub.desk.registerAdapter(testAdapter('telegram'));
    ws = await newWorkspace(hub);
    peer = await startPeer();
    const created = await hub.app.inject({
      method: 'POST',
      url: '/api/inboxes',
      headers: headers(),
      payload: { channel: 'telegram', name: 'Telegram', config: { secret: SECRET, peerUrl: peer.url } },
    });
    expect(created.statusCode).toBe(200);
    const inboxId = (created.json() as { id: string }).id;
    const received = await postSigned(hub, inboxId, SECRET, {
      messages: [{ id: 'tg-1', from: [{ type: 'telegram', value: '4242' }], text: 'قیمت را بفرستید' }],
    });
    expect(received.statusCode).toBe(200);
    conversationId = await waitFor(async () => {
      const list = (await get(hub, ws.token, '/api/conversations')).json() as { conversations: Json[] };
      return list.conversations[0]?.id as string | undefined;
    });
  });
  afterAll(async () => {
    await hub.stop();
    await peer.close();
  });

  it('refuses a reply with files, naming the field, and sends nothing', async () => {
    const refused = await post({ body: 'پیش‌فاکتور پیوست است', attachments: [file()] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      error: { code: 'PSK_ATTACHMENT_NOT_SUPPORTED', field: 'attachments' },
    });
    await hub.desk.jobs.drain();
    expect(peer.requests).toHaveLength(0);
    expect((await messages()).filter((m) => m.direction === 'outbound')).toHaveLength(0);
  });

  it('keeps files with a private note, downloadable by position', async () => {
    const note = await post({ body: 'پیش‌فاکتور برای همکاران', private: true, attachments: [file()] });
    expect(note.statusCode).toBe(200);
    const { messageId } = note.json() as { messageId: string };
    expect((await messages()).find((m) => m.id === messageId)?.attachments).toEqual([
      { filename: 'quote.pdf', contentType: 'application/pdf', size: PDF.length },
    ]);
    const download = await get(
      hub,
      ws.token,
      `/api/conversations/${conversationId}/messages/${messageId}/attachments/0`,
    );
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.rawPayload.equals(PDF)).toBe(true);
    expect(peer.requests).toHaveLength(0);
  });

  it('checks the files with the schema: count, name and type', async () => {
    const tooMany = await post({
      body: 'x',
      private: true,
      attachments: Array.from({ length: 11 }, () => file()),
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ error: { code: 'PSK_VALIDATION' } });
    const path = await post({ body: 'x', private: true, attachments: [file('../etc/passwd')] });
    expect(path.statusCode).toBe(400);
    expect(JSON.stringify(path.json())).toContain('filename');
    const type = await post({
      body: 'x',
      private: true,
      attachments: [{ ...file(), contentType: 'pdf' }],
    });
    expect(type.statusCode).toBe(400);
    expect(JSON.stringify(type.json())).toContain('contentType');
  });
});
