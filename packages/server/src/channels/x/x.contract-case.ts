// Recorded Account Activity API deliveries and the DM request, for the adapter contract suite.
import { signedJsonWebhook, type ContractCase } from '../contract/contract-case.ts';
import { hmacDigest } from '../signatures.ts';
import { xAdapter, type XConfig } from './x.adapter.ts';

export const X_CONSUMER_SECRET = 'x-consumer-secret-for-tests';

export function xWebhook(name: string) {
  return signedJsonWebhook({
    moduleUrl: import.meta.url,
    fixture: name,
    url: '/webhooks/x/inbox-8',
    header: 'x-twitter-webhooks-signature',
    sign: (body) => `sha256=${hmacDigest('sha256', X_CONSUMER_SECRET, body, 'base64')}`,
  });
}

const jordan = {
  identifiers: [
    { type: 'twitter' as const, value: '3001969357' },
    { type: 'twitter' as const, value: 'furiouscamper' },
  ],
  name: 'Jordan Brinks',
};

export const xContractCase: ContractCase<XConfig> = {
  adapter: xAdapter,
  config: (peerUrl) => ({
    consumerSecret: X_CONSUMER_SECRET,
    accessToken: 'x-oauth2-user-token',
    accountId: '4337869213',
    baseUrl: peerUrl,
  }),
  authentication: 'body-signature',
  credential: { in: 'header', name: 'x-twitter-webhooks-signature' },
  inbound: [
    {
      name: 'a direct message and the echo of our own',
      request: xWebhook('direct-message.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: '954491830116155396',
          threadKey: 'dm:3001969357',
          from: jordan,
          text: 'Hello, my invoice shows the wrong address',
          attachments: [],
          sentAt: new Date(1736931400557),
        },
      ],
    },
    {
      name: 'a mention and our own tweet',
      request: xWebhook('mention.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: '1879445599186731008',
          threadKey: 'post:1879445599186731008:3001969357',
          from: jordan,
          text: '@PishkhanHelp my package has been stuck in customs for a week',
          attachments: [],
          sentAt: new Date('2025-01-15T09:05:00Z'),
          publicPost: { postId: '1879445599186731008', commentId: '1879445599186731008' },
        },
      ],
    },
  ],
  send: {
    message: {
      messageId: 'msg-08',
      threadKey: 'dm:3001969357',
      to: { type: 'twitter', value: '3001969357' },
      text: 'Thanks — we have corrected the address.',
      attachments: [],
    },
    request: {
      method: 'POST',
      path: '/2/dm_conversations/with/3001969357/messages',
      headers: { authorization: 'Bearer x-oauth2-user-token', 'content-type': 'application/json' },
      bodyType: 'json',
      body: { text: 'Thanks — we have corrected the address.' },
    },
    success: {
      status: 201,
      body: { data: { dm_conversation_id: '3001969357-4337869213', dm_event_id: '1582838223849779204' } },
    },
    providerMessageId: '1582838223849779204',
    errorBody: (status) =>
      status === 401
        ? { title: 'Unauthorized', type: 'about:blank', status, detail: 'Unauthorized' }
        : status === 400
          ? {
              errors: [
                { parameters: { text: [''] }, message: 'The `text` query parameter value [] is not valid' },
              ],
              title: 'Invalid Request',
              detail: 'One or more parameters to your request was invalid.',
              type: 'https://api.twitter.com/2/problems/invalid-request',
            }
          : { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status },
  },
};
