// Recorded Instagram webhooks and the Send API request, for the adapter contract suite.
import { signedJsonWebhook, type ContractCase } from '../contract/contract-case.ts';
import { metaErrorBody } from '../messenger/messenger.contract-case.ts';
import { hmacDigest } from '../signatures.ts';
import { instagramAdapter, type InstagramConfig } from './instagram.adapter.ts';

export const INSTAGRAM_APP_SECRET = 'ig-app-secret-for-tests';

export function instagramWebhook(name: string) {
  return signedJsonWebhook({
    moduleUrl: import.meta.url,
    fixture: name,
    url: '/webhooks/instagram/inbox-3',
    header: 'X-Hub-Signature-256',
    sign: (body) => `sha256=${hmacDigest('sha256', INSTAGRAM_APP_SECRET, body, 'hex')}`,
  });
}

export const instagramContractCase: ContractCase<InstagramConfig> = {
  adapter: instagramAdapter,
  config: (peerUrl) => ({
    appSecret: INSTAGRAM_APP_SECRET,
    verifyToken: 'ig-verify-token',
    accessToken: 'IGQV-token',
    accountId: '17841405822304914',
    baseUrl: peerUrl,
  }),
  authentication: 'body-signature',
  credential: { in: 'header', name: 'x-hub-signature-256' },
  inbound: [
    {
      name: 'a direct message, an echo and a read',
      request: instagramWebhook('message.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId:
            'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0OjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTk3ODQ3ODUxMDAzNDMwNzo',
          threadKey: '1254459154682919',
          from: { identifiers: [{ type: 'instagram', value: '1254459154682919' }] },
          text: 'سلام، این کیف رنگ مشکی هم دارید؟',
          attachments: [],
          sentAt: new Date(1736930700000),
        },
        {
          kind: 'receipt',
          providerMessageId: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0OjM0ECHO',
          status: 'read',
          at: new Date(1736930760000),
        },
      ],
    },
    {
      name: 'a comment on a post and our own reply to it',
      request: instagramWebhook('comment.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: '17919697626119712',
          threadKey: 'post:18172143295349192:1254459154682919',
          from: {
            identifiers: [
              { type: 'instagram', value: '1254459154682919' },
              { type: 'instagram', value: 'neda.shop' },
            ],
            name: 'Neda.Shop',
          },
          text: 'قیمتش چنده؟',
          attachments: [],
          sentAt: new Date(1736930800 * 1000),
          publicPost: { postId: '18172143295349192', commentId: '17919697626119712' },
        },
      ],
    },
  ],
  send: {
    message: {
      messageId: 'msg-03',
      threadKey: '1254459154682919',
      to: { type: 'instagram', value: '1254459154682919' },
      text: 'بله، مشکی هم داریم.',
      attachments: [],
    },
    request: {
      method: 'POST',
      path: '/v23.0/17841405822304914/messages',
      headers: { authorization: 'Bearer IGQV-token', 'content-type': 'application/json' },
      bodyType: 'json',
      body: {
        recipient: { id: '1254459154682919' },
        messaging_type: 'RESPONSE',
        message: { text: 'بله، مشکی هم داریم.' },
      },
    },
    success: {
      status: 200,
      body: { recipient_id: '1254459154682919', message_id: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAOUR' },
    },
    providerMessageId: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAOUR',
    errorBody: metaErrorBody,
  },
};
