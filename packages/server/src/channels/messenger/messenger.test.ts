import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpPeer, type HttpPeer } from '../contract/http-peer.ts';
import { MessengerConfig, messengerAdapter } from './messenger.adapter.ts';
import { MESSENGER_APP_SECRET, messengerWebhook } from './messenger.contract-case.ts';

let peer: HttpPeer;
let config: MessengerConfig;
beforeAll(async () => {
  peer = await startHttpPeer();
  config = MessengerConfig.parse({
    appSecret: MESSENGER_APP_SECRET,
    verifyToken: 'v',
    accessToken: 'page-token',
    pageId: '682498302938465',
    baseUrl: peer.url,
  });
});
afterAll(() => peer.close());

describe('the Messenger adapter', () => {
  it('turns a comment on a Page post into a message with publicPost', () => {
    const [item] = messengerAdapter.parse(messengerWebhook('feed-comment.json'), config)._unsafeUnwrap();
    expect(item).toMatchObject({
      kind: 'message',
      publicPost: { postId: '682498302938465_1092837465', commentId: '1092837465_556677889900' },
    });
  });

  it('answers a comment with a comment reply, not a private message', async () => {
    peer.requests.length = 0;
    peer.answer(200, { id: '1092837465_556677889955' });
    const sent = await messengerAdapter.send(
      {
        messageId: 'msg-1',
        threadKey: 'post:682498302938465_1092837465:24842373738737482',
        to: { type: 'messenger', value: '24842373738737482' },
        text: 'Yes, size 44 is available.',
        attachments: [],
        publicPost: { postId: '682498302938465_1092837465', commentId: '1092837465_556677889900' },
      },
      config,
    );
    expect(sent._unsafeUnwrap()).toEqual({ providerMessageId: '1092837465_556677889955' });
    expect(peer.requests[0]?.path).toBe('/v23.0/1092837465_556677889900/comments');
    expect(JSON.parse(peer.requests[0]?.body ?? '{}')).toEqual({ message: 'Yes, size 44 is available.' });
  });

  it('sends attachment links under the text, since the Send API carries one or the other', async () => {
    peer.requests.length = 0;
    peer.answer(200, { recipient_id: '1', message_id: 'm_1' });
    await messengerAdapter.send(
      {
        messageId: 'msg-2',
        threadKey: '6945377228835913',
        to: { type: 'messenger', value: '6945377228835913' },
        text: 'Your invoice:',
        attachments: [
          { filename: 'i.pdf', contentType: 'application/pdf', size: 1, url: 'https://f.example/i.pdf' },
        ],
      },
      config,
    );
    expect(JSON.parse(peer.requests[0]?.body ?? '{}').message).toEqual({
      text: 'Your invoice:\nhttps://f.example/i.pdf',
    });
  });

  it('refuses an Instagram object on the Page webhook as unparseable', () => {
    const req = messengerWebhook('feed-comment.json');
    const wrong = { ...req, rawBody: Buffer.from(JSON.stringify({ object: 'instagram', entry: [] })) };
    expect(messengerAdapter.parse(wrong, config)._unsafeUnwrapErr().type).toBe('unparseable');
  });
});
