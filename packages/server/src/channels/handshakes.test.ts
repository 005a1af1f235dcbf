import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RawWebhook } from './channel-adapter.ts';
import { answerHandshake } from './handshakes.ts';

function get(query: Record<string, string>): RawWebhook {
  return { method: 'GET', url: '/webhooks/x', headers: {}, query, rawBody: Buffer.alloc(0) };
}

const metaConfig = {
  appSecret: 'app-secret',
  verifyToken: 'verify-me',
  accessToken: 'token',
  phoneNumberId: '106540352242922',
  pageId: '682498302938465',
};

describe('provider URL checks', () => {
  it.each(['whatsapp', 'messenger', 'instagram'] as const)(
    'echoes Meta’s hub.challenge for %s when the verify token matches',
    (kind) => {
      const reply = answerHandshake(
        kind,
        get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1158201444' }),
        metaConfig,
      );
      expect(reply).toEqual({ status: 200, contentType: 'text/plain', body: '1158201444' });
    },
  );

  it('refuses Meta’s check when the verify token differs', () => {
    const reply = answerHandshake(
      'whatsapp',
      get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1158201444' }),
      metaConfig,
    );
    expect(reply?.status).toBe(403);
  });

  it('answers X’s CRC with sha256= and the base64 HMAC of the token under the consumer secret', () => {
    const reply = answerHandshake('x', get({ crc_token: 'challenge-token' }), {
      consumerSecret: 'consumer-secret',
      accessToken: 'token',
      accountId: '4337869213',
    });
    const expected = createHmac('sha256', 'consumer-secret').update('challenge-token').digest('base64');
    expect(reply?.status).toBe(200);
    expect(JSON.parse(reply?.body ?? '{}')).toEqual({ response_token: `sha256=${expected}` });
  });

  it('leaves requests that are not URL checks to the webhook path', () => {
    expect(answerHandshake('whatsapp', get({}), metaConfig)).toBeNull();
    expect(
      answerHandshake('sms_kavenegar', get({ messageid: '1', from: '0912', message: 'hi' }), {}),
    ).toBeNull();
  });
});
