import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedJsonWebhook, webhook } from '../contract/contract-case.ts';
import { startHttpPeer, type HttpPeer } from '../contract/http-peer.ts';
import { ApiChannelConfig, apiAdapter, apiSignature } from './api.adapter.ts';
import { API_SECRET } from './api.contract-case.ts';

let peer: HttpPeer;
let config: ApiChannelConfig;
beforeAll(async () => {
  peer = await startHttpPeer();
  config = ApiChannelConfig.parse({ secret: API_SECRET, webhookUrl: `${peer.url}/in` });
});
afterAll(() => peer.close());

function signed(body: unknown) {
  const raw = JSON.stringify(body);
  return webhook({
    url: '/api',
    headers: { 'x-pishkhan-signature': apiSignature(raw, API_SECRET) },
    body: raw,
  });
}

describe('the generic API channel', () => {
  it('tells the sending system which identifier is not valid', () => {
    const parsed = apiAdapter.parse(
      signed({ messageId: 'a', from: { email: 'not-an-email' }, text: 'hi' }),
      config,
    );
    expect(parsed._unsafeUnwrapErr()).toEqual({
      type: 'unparseable',
      reason: '"not-an-email" is not a valid email',
    });
  });

  it('refuses a message without any identifier of its sender', () => {
    const parsed = apiAdapter.parse(signed({ messageId: 'a', from: { name: 'Nobody' }, text: 'hi' }), config);
    expect(parsed._unsafeUnwrapErr().reason).toBe('the sender has no identifier');
  });

  it('refuses an unknown identifier type', () => {
    const parsed = apiAdapter.parse(
      signed({ messageId: 'a', from: { identifiers: [{ type: 'fax', value: '1' }] }, text: 'hi' }),
      config,
    );
    expect(parsed._unsafeUnwrapErr().reason).toBe('"fax" is not an identifier type');
  });

  it('delivers files it holds as bytes inline, base64-encoded, and signs what it sends', async () => {
    peer.requests.length = 0;
    peer.answer(204, null);
    const sent = await apiAdapter.send(
      {
        messageId: 'msg-1',
        threadKey: 't',
        to: { type: 'email', value: 'a@b.ir' },
        text: 'attached',
        attachments: [{ filename: 'a.txt', contentType: 'text/plain', size: 2, content: Buffer.from('hi') }],
      },
      config,
    );
    // A system that answers with no body of its own keeps our message id.
    expect(sent._unsafeUnwrap()).toEqual({ providerMessageId: 'msg-1' });
    const request = peer.requests[0];
    expect(JSON.parse(request?.body ?? '{}').attachments).toEqual([
      { filename: 'a.txt', contentType: 'text/plain', size: 2, content: 'aGk=' },
    ]);
    expect(request?.headers['x-pishkhan-signature']).toBe(apiSignature(request?.body ?? '', API_SECRET));
  });

  it('accepts only the sha256= form of the signature', () => {
    const request = signedJsonWebhook({
      moduleUrl: import.meta.url,
      fixture: 'message.json',
      url: '/api',
      header: 'x-pishkhan-signature',
      sign: (body) => apiSignature(body, API_SECRET).slice('sha256='.length),
    });
    expect(apiAdapter.verify(request, config)).toBe(false);
  });
});
