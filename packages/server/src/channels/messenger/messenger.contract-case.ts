// Recorded Messenger / Page webhooks and the Send API request, for the adapter contract suite.
import { signedJsonWebhook, type ContractCase } from '../contract/contract-case.ts';
import { hmacDigest } from '../signatures.ts';
import { messengerAdapter, type MessengerConfig } from './messenger.adapter.ts';

export const MESSENGER_APP_SECRET = 'fb-app-secret-for-tests';

export function messengerWebhook(name: string) {
  return signedJsonWebhook({
    moduleUrl: import.meta.url,
    fixture: name,
    url: '/webhooks/messenger/inbox-2',
    header: 'X-Hub-Signature-256',
    sign: (body) => `sha256=${hmacDigest('sha256', MESSENGER_APP_SECRET, body, 'hex')}`,
  });
}

const customer = { identifiers: [{ type: 'messenger' as const, value: '6945377228835913' }] };

export const metaErrorBody = (status: number): unknown => ({
  error: {
    message:
      status === 401
        ? 'Error validating access token: Session has expired.'
        : status === 400
          ? '(#100) The parameter recipient is required'
          : 'An unexpected error has occurred. Please retry your request later.',
    type: 'OAuthException',
    code: status === 401 ? 190 : status === 400 ? 100 : status === 429 ? 32 : 999,
    fbtrace_id: 'A1b2C3d4',
  },
});

export const messengerContractCase: ContractCase<MessengerConfig> = {
  adapter: messengerAdapter,
  config: (peerUrl) => ({
    appSecret: MESSENGER_APP_SECRET,
    verifyToken: 'fb-verify-token',
    accessToken: 'EAAB-page-token',
    pageId: '682498302938465',
    baseUrl: peerUrl,
  }),
  authentication: 'body-signature',
  credential: { in: 'header', name: 'x-hub-signature-256' },
  inbound: [
    {
      name: 'a text, an image and a button press',
      request: messengerWebhook('message.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: 'm_1457764197618:41d102a3e1ae206a38',
          threadKey: '6945377228835913',
          from: customer,
          text: 'Is the blue one still in stock?',
          attachments: [],
          sentAt: new Date(1736930400000),
          inReplyTo: 'm_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU',
        },
        {
          kind: 'message',
          providerMessageId: 'm_cAAJdkrCd2ORnva8ErFhjGm0X_Q_c',
          threadKey: '6945377228835913',
          from: customer,
          text: '',
          attachments: [
            {
              filename: 'photo_of_receipt.jpg',
              contentType: 'image/*',
              size: 0,
              url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/photo_of_receipt.jpg?stp=dst-jpg&oh=00_AYB',
            },
          ],
          sentAt: new Date(1736930405000),
        },
        {
          kind: 'message',
          providerMessageId: 'm_postback_talk_to_agent',
          threadKey: '6945377228835913',
          from: customer,
          text: 'Talk to an agent',
          attachments: [],
          sentAt: new Date(1736930410000),
        },
      ],
    },
    {
      name: 'a delivery, a watermark read and an echo of our own reply',
      request: messengerWebhook('delivery-read-echo.json'),
      expected: [
        {
          kind: 'receipt',
          providerMessageId: 'm_our_reply_1',
          status: 'delivered',
          at: new Date(1736930500253),
        },
      ],
    },
    {
      name: 'a comment on a Page post, the Page’s own comment and a like',
      request: messengerWebhook('feed-comment.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: '1092837465_556677889900',
          threadKey: 'post:682498302938465_1092837465:24842373738737482',
          from: { identifiers: [{ type: 'messenger', value: '24842373738737482' }], name: 'Reza Karimi' },
          text: 'Does this come in size 44?',
          attachments: [],
          sentAt: new Date(1736930600 * 1000),
          publicPost: { postId: '682498302938465_1092837465', commentId: '1092837465_556677889900' },
        },
      ],
    },
  ],
  send: {
    message: {
      messageId: 'msg-02',
      threadKey: '6945377228835913',
      to: { type: 'messenger', value: '6945377228835913' },
      text: 'Yes, the blue one is in stock.',
      attachments: [],
    },
    request: {
      method: 'POST',
      path: '/v23.0/682498302938465/messages',
      headers: { authorization: 'Bearer EAAB-page-token', 'content-type': 'application/json' },
      bodyType: 'json',
      body: {
        recipient: { id: '6945377228835913' },
        messaging_type: 'RESPONSE',
        message: { text: 'Yes, the blue one is in stock.' },
      },
    },
    success: {
      status: 200,
      body: {
        recipient_id: '6945377228835913',
        message_id:
          'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P',
      },
    },
    providerMessageId:
      'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P',
    errorBody: metaErrorBody,
  },
};
