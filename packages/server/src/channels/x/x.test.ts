import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpPeer, type HttpPeer } from '../contract/http-peer.ts';
import { XConfig, xAdapter, xCrcResponse } from './x.adapter.ts';
import { X_CONSUMER_SECRET, xWebhook } from './x.contract-case.ts';

let peer: HttpPeer;
let config: XConfig;
beforeAll(async () => {
  peer = await startHttpPeer();
  config = XConfig.parse({
    consumerSecret: X_CONSUMER_SECRET,
    accessToken: 'user-token',
    accountId: '4337869213',
    baseUrl: peer.url,
  });
});
afterAll(() => peer.close());

describe('the X adapter', () => {
  it('answers the CRC check with sha256= and the base64 HMAC-SHA256 of crc_token', () => {
    const digest = createHmac('sha256', 'consumer-secret').update('crc-123').digest('base64');
    expect(xCrcResponse('crc-123', 'consumer-secret')).toEqual({ response_token: `sha256=${digest}` });
  });

  it('uses api.x.com by default', () => {
    expect(XConfig.parse({ consumerSecret: 's', accessToken: 't', accountId: '1' }).baseUrl).toBe(
      'https://api.x.com',
    );
  });

  it('skips events of another account subscribed to the same webhook', () => {
    const other = XConfig.parse({ ...config, accountId: '999' });
    expect(xAdapter.parse(xWebhook('mention.json'), other)._unsafeUnwrap()).toEqual([]);
  });

  it('answers a mention with a reply tweet', async () => {
    peer.requests.length = 0;
    peer.answer(201, { data: { id: '1879445599186731555', text: '@furiouscamper we are checking' } });
    const sent = await xAdapter.send(
      {
        messageId: 'msg-1',
        threadKey: 'post:1879445599186731008:3001969357',
        to: { type: 'twitter', value: '3001969357' },
        text: '@furiouscamper we are checking',
        attachments: [],
        publicPost: { postId: '1879445599186731008', commentId: '1879445599186731008' },
      },
      config,
    );
    expect(sent._unsafeUnwrap()).toEqual({ providerMessageId: '1879445599186731555' });
    expect(peer.requests[0]?.path).toBe('/2/tweets');
    expect(JSON.parse(peer.requests[0]?.body ?? '{}')).toEqual({
      text: '@furiouscamper we are checking',
      reply: { in_reply_to_tweet_id: '1879445599186731008' },
    });
  });

  it('cannot open a DM with a handle, only a user id', async () => {
    const sent = await xAdapter.send(
      {
        messageId: 'm',
        threadKey: 'new',
        to: { type: 'twitter', value: 'furiouscamper' },
        text: 'hi',
        attachments: [],
      },
      config,
    );
    expect(sent._unsafeUnwrapErr().type).toBe('permanent');
  });
});
