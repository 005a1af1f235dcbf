import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpPeer, type HttpPeer } from '../contract/http-peer.ts';
import { InstagramConfig, instagramAdapter } from './instagram.adapter.ts';
import { INSTAGRAM_APP_SECRET, instagramWebhook } from './instagram.contract-case.ts';

let peer: HttpPeer;
let config: InstagramConfig;
beforeAll(async () => {
  peer = await startHttpPeer();
  config = InstagramConfig.parse({
    appSecret: INSTAGRAM_APP_SECRET,
    verifyToken: 'v',
    accessToken: 'ig-token',
    baseUrl: peer.url,
  });
});
afterAll(() => peer.close());

describe('the Instagram adapter', () => {
  it('turns a comment into a message with publicPost and the commenter’s scoped id and username', () => {
    const [item] = instagramAdapter.parse(instagramWebhook('comment.json'), config)._unsafeUnwrap();
    expect(item).toMatchObject({
      kind: 'message',
      from: {
        identifiers: [
          { type: 'instagram', value: '1254459154682919' },
          { type: 'instagram', value: 'neda.shop' },
        ],
      },
      publicPost: { postId: '18172143295349192', commentId: '17919697626119712' },
    });
  });

  it('replies to a comment through /{ig-comment-id}/replies', async () => {
    peer.requests.length = 0;
    peer.answer(200, { id: '17919697626119800' });
    const sent = await instagramAdapter.send(
      {
        messageId: 'msg-1',
        threadKey: 'post:18172143295349192:1254459154682919',
        to: { type: 'instagram', value: '1254459154682919' },
        text: 'قیمت در دایرکت ارسال شد',
        attachments: [],
        publicPost: { postId: '18172143295349192', commentId: '17919697626119712' },
      },
      config,
    );
    expect(sent._unsafeUnwrap()).toEqual({ providerMessageId: '17919697626119800' });
    expect(peer.requests[0]?.path).toBe('/v23.0/17919697626119712/replies');
  });

  it('sends direct messages through /me/messages when no account id is configured', async () => {
    peer.requests.length = 0;
    peer.answer(200, { recipient_id: '1254459154682919', message_id: 'aWdf_1' });
    await instagramAdapter.send(
      {
        messageId: 'msg-2',
        threadKey: '1254459154682919',
        to: { type: 'instagram', value: '1254459154682919' },
        text: 'سلام',
        attachments: [],
      },
      config,
    );
    expect(peer.requests[0]?.path).toBe('/v23.0/me/messages');
  });

  it('cannot message a username, only a scoped id', async () => {
    const sent = await instagramAdapter.send(
      {
        messageId: 'm',
        threadKey: 't',
        to: { type: 'instagram', value: 'neda.shop' },
        text: 'hi',
        attachments: [],
      },
      config,
    );
    expect(sent._unsafeUnwrapErr().type).toBe('permanent');
  });
});
