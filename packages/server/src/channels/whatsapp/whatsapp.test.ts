import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outbound } from '../channel-adapter.ts';
import { webhook } from '../contract/contract-case.ts';
import { startHttpPeer, type HttpPeer } from '../contract/http-peer.ts';
import { hmacDigest } from '../signatures.ts';
import { WhatsAppConfig, whatsappAdapter } from './whatsapp.adapter.ts';
import { WHATSAPP_APP_SECRET, whatsappWebhook } from './whatsapp.contract-case.ts';

let peer: HttpPeer;
let config: WhatsAppConfig;
beforeAll(async () => {
  peer = await startHttpPeer();
  config = WhatsAppConfig.parse({
    appSecret: WHATSAPP_APP_SECRET,
    verifyToken: 'v',
    accessToken: 'token',
    phoneNumberId: '106540352242922',
    baseUrl: peer.url,
  });
});
afterAll(() => peer.close());

const message: Outbound = {
  messageId: 'msg-1',
  threadKey: '989121234567',
  to: { type: 'phone', value: '09121234567' },
  text: 'فاکتور پیوست است',
  attachments: [],
};

describe('the WhatsApp adapter', () => {
  it('gives an Iranian sender both a whatsapp and a phone identifier in E.164', () => {
    const [item] = whatsappAdapter.parse(whatsappWebhook('text-message.json'), config)._unsafeUnwrap();
    expect(item?.kind === 'message' && item.from.identifiers).toEqual([
      { type: 'whatsapp', value: '+989121234567' },
      { type: 'phone', value: '+989121234567' },
    ]);
  });

  it('skips changes for another business number on the same app webhook', () => {
    const other = WhatsAppConfig.parse({ ...config, phoneNumberId: '999' });
    expect(whatsappAdapter.parse(whatsappWebhook('text-message.json'), other)._unsafeUnwrap()).toEqual([]);
  });

  it('ignores reactions rather than opening a conversation for them', () => {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '106540352242922' },
                messages: [
                  {
                    from: '989121234567',
                    id: 'wamid.R',
                    timestamp: '1736930400',
                    type: 'reaction',
                    reaction: { message_id: 'wamid.X', emoji: '👍' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const req = webhook({
      url: '/w',
      headers: { 'x-hub-signature-256': `sha256=${hmacDigest('sha256', WHATSAPP_APP_SECRET, body, 'hex')}` },
      body,
    });
    expect(whatsappAdapter.verify(req, config)).toBe(true);
    expect(whatsappAdapter.parse(req, config)._unsafeUnwrap()).toEqual([]);
  });

  it('sends one linked document with the text as its caption', async () => {
    peer.requests.length = 0;
    peer.answer(200, { messages: [{ id: 'wamid.DOC' }] });
    const sent = await whatsappAdapter.send(
      {
        ...message,
        attachments: [
          {
            filename: 'invoice.pdf',
            contentType: 'application/pdf',
            size: 1,
            url: 'https://files.example/i.pdf',
          },
        ],
      },
      config,
    );
    expect(sent._unsafeUnwrap()).toEqual({ providerMessageId: 'wamid.DOC' });
    expect(JSON.parse(peer.requests[0]?.body ?? '{}')).toMatchObject({
      to: '989121234567',
      type: 'document',
      document: { link: 'https://files.example/i.pdf', filename: 'invoice.pdf', caption: 'فاکتور پیوست است' },
    });
  });

  it('refuses two attachments in one message as a permanent failure, without calling Meta', async () => {
    peer.requests.length = 0;
    const file = { filename: 'a.png', contentType: 'image/png', size: 1, url: 'https://files.example/a.png' };
    const sent = await whatsappAdapter.send({ ...message, attachments: [file, file] }, config);
    expect(sent._unsafeUnwrapErr().type).toBe('permanent');
    expect(peer.requests).toHaveLength(0);
  });

  it('treats an expired token as an auth failure even though Meta answers 400', async () => {
    peer.answer(400, { error: { message: 'Session has expired', type: 'OAuthException', code: 190 } });
    expect((await whatsappAdapter.send(message, config))._unsafeUnwrapErr()).toEqual({
      type: 'auth',
      reason: 'Session has expired (code 190)',
    });
  });

  it('treats the closed 24-hour window as a permanent failure and a rate limit as transient', async () => {
    peer.answer(400, { error: { message: 'Re-engagement message', code: 131047 } });
    expect((await whatsappAdapter.send(message, config))._unsafeUnwrapErr().type).toBe('permanent');
    peer.answer(400, { error: { message: 'Rate limit hit', code: 130429 } });
    expect((await whatsappAdapter.send(message, config))._unsafeUnwrapErr().type).toBe('transient');
  });

  it('cannot send to an identifier that is not a phone', async () => {
    const sent = await whatsappAdapter.send({ ...message, to: { type: 'email', value: 'a@b.ir' } }, config);
    expect(sent._unsafeUnwrapErr().type).toBe('permanent');
  });
});
