// Recorded WhatsApp Cloud API payloads and the send it must make, for the adapter contract suite.
import { signedJsonWebhook, type ContractCase } from '../contract/contract-case.ts';
import { hmacDigest } from '../signatures.ts';
import { whatsappAdapter, type WhatsAppConfig } from './whatsapp.adapter.ts';

export const WHATSAPP_APP_SECRET = 'wa-app-secret-for-tests';
const here = import.meta.url;

export function whatsappWebhook(name: string) {
  return signedJsonWebhook({
    moduleUrl: here,
    fixture: name,
    url: '/webhooks/whatsapp/inbox-1',
    header: 'X-Hub-Signature-256',
    sign: (body) => `sha256=${hmacDigest('sha256', WHATSAPP_APP_SECRET, body, 'hex')}`,
  });
}

const sara = {
  identifiers: [
    { type: 'whatsapp' as const, value: '+989121234567' },
    { type: 'phone' as const, value: '+989121234567' },
  ],
  name: 'سارا احمدی',
};
const kerry = {
  identifiers: [
    { type: 'whatsapp' as const, value: '+16315551181' },
    { type: 'phone' as const, value: '+16315551181' },
  ],
  name: 'Kerry Fisher',
};

export const whatsappContractCase: ContractCase<WhatsAppConfig> = {
  adapter: whatsappAdapter,
  config: (peerUrl) => ({
    appSecret: WHATSAPP_APP_SECRET,
    verifyToken: 'wa-verify-token',
    accessToken: 'EAAG-wa-token',
    phoneNumberId: '106540352242922',
    baseUrl: peerUrl,
  }),
  authentication: 'body-signature',
  credential: { in: 'header', name: 'x-hub-signature-256' },
  inbound: [
    {
      name: 'a text from an Iranian number',
      request: whatsappWebhook('text-message.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: 'wamid.HBgMOTg5MTIxMjM0NTY3FQIAEhggQTg0RjI2MDFENzhGRUEzQTRBNzk4RDAxNDk0N0VGNkQA',
          threadKey: '989121234567',
          from: sara,
          text: 'سلام، سفارش ۴۵۲ من کی می‌رسد؟',
          attachments: [],
          sentAt: new Date(1736930400 * 1000),
        },
      ],
    },
    {
      name: 'an image, a document, a location and a button reply',
      request: whatsappWebhook('media-location-interactive.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: 'wamid.ID_IMAGE',
          threadKey: '16315551181',
          from: kerry,
          text: 'The box arrived damaged',
          attachments: [
            {
              filename: 'image-1003383421387256',
              contentType: 'image/jpeg',
              size: 0,
              url: 'whatsapp-media:1003383421387256',
            },
          ],
          sentAt: new Date(1736930460 * 1000),
        },
        {
          kind: 'message',
          providerMessageId: 'wamid.ID_DOCUMENT',
          threadKey: '16315551181',
          from: kerry,
          text: 'Invoice',
          attachments: [
            {
              filename: 'invoice-452.pdf',
              contentType: 'application/pdf',
              size: 0,
              url: 'whatsapp-media:1003383421387257',
            },
          ],
          sentAt: new Date(1736930470 * 1000),
        },
        {
          kind: 'message',
          providerMessageId: 'wamid.ID_LOCATION',
          threadKey: '16315551181',
          from: kerry,
          text: 'Azadi Tower\nAzadi Square, Tehran\n35.6997,51.338',
          attachments: [],
          sentAt: new Date(1736930480 * 1000),
        },
        {
          kind: 'message',
          providerMessageId: 'wamid.ID_BUTTON_REPLY',
          threadKey: '16315551181',
          from: kerry,
          text: 'Refund',
          attachments: [],
          sentAt: new Date(1736930490 * 1000),
          inReplyTo: 'wamid.ID_OF_OUR_QUESTION',
        },
      ],
    },
    {
      name: 'sent, delivered, read and failed statuses',
      request: whatsappWebhook('statuses.json'),
      expected: [
        {
          kind: 'receipt',
          providerMessageId: 'wamid.OUR_REPLY_1',
          status: 'sent',
          at: new Date(1736930500 * 1000),
        },
        {
          kind: 'receipt',
          providerMessageId: 'wamid.OUR_REPLY_1',
          status: 'delivered',
          at: new Date(1736930502 * 1000),
        },
        {
          kind: 'receipt',
          providerMessageId: 'wamid.OUR_REPLY_1',
          status: 'read',
          at: new Date(1736930560 * 1000),
        },
        {
          kind: 'receipt',
          providerMessageId: 'wamid.OUR_REPLY_2',
          status: 'failed',
          at: new Date(1736930600 * 1000),
          error:
            'Re-engagement message (code 131047): Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        },
      ],
    },
  ],
  send: {
    message: {
      messageId: 'msg-01',
      threadKey: '989121234567',
      to: { type: 'whatsapp', value: '+989121234567' },
      text: 'سفارش شما فردا می‌رسد.',
      attachments: [],
      inReplyTo: 'wamid.HBgMOTg5MTIxMjM0NTY3FQIAEhggQTg0RjI2MDFENzhGRUEzQTRBNzk4RDAxNDk0N0VGNkQA',
    },
    request: {
      method: 'POST',
      path: '/v23.0/106540352242922/messages',
      headers: { authorization: 'Bearer EAAG-wa-token', 'content-type': 'application/json' },
      bodyType: 'json',
      body: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '989121234567',
        biz_opaque_callback_data: 'msg-01',
        context: {
          message_id: 'wamid.HBgMOTg5MTIxMjM0NTY3FQIAEhggQTg0RjI2MDFENzhGRUEzQTRBNzk4RDAxNDk0N0VGNkQA',
        },
        type: 'text',
        text: { preview_url: false, body: 'سفارش شما فردا می‌رسد.' },
      },
    },
    success: {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: '989121234567', wa_id: '989121234567' }],
        messages: [{ id: 'wamid.HBgMOTg5MTIxMjM0NTY3FQIAERgSQUJDREVGMDEyMzQ1Njc4OQA=' }],
      },
    },
    providerMessageId: 'wamid.HBgMOTg5MTIxMjM0NTY3FQIAERgSQUJDREVGMDEyMzQ1Njc4OQA=',
    errorBody: (status) => ({
      error: {
        message: status === 401 ? 'Invalid OAuth access token.' : 'Something went wrong',
        type: 'OAuthException',
        code: status === 400 ? 100 : status === 401 ? 190 : 999,
        fbtrace_id: 'AbCdEf',
      },
    }),
  },
};
