// A recorded Bale update and sendMessage request, for the adapter contract suite. Bale sends
// Telegram's objects; what differs is the identifier type, the secret and the reply field.
import { fixture, webhook, type ContractCase } from '../contract/contract-case.ts';
import type { TelegramConfig } from '../telegram/telegram.adapter.ts';
import { telegramErrorBody } from '../telegram/telegram.contract-case.ts';
import { baleAdapter } from './bale.adapter.ts';

export const BALE_SECRET = 'bale_webhook_secret-456';

export function baleUpdate(name: string, secretIn: 'header' | 'query' = 'header') {
  return webhook({
    url: secretIn === 'query' ? `/webhooks/bale/inbox-5?secret=${BALE_SECRET}` : '/webhooks/bale/inbox-5',
    headers: {
      'content-type': 'application/json',
      ...(secretIn === 'header' ? { 'X-Telegram-Bot-Api-Secret-Token': BALE_SECRET } : {}),
    },
    body: fixture(import.meta.url, name),
  });
}

export const baleContractCase: ContractCase<TelegramConfig> = {
  adapter: baleAdapter,
  config: (peerUrl) => ({
    botToken: '1593068742:bale-token-abc',
    secretToken: BALE_SECRET,
    baseUrl: peerUrl,
  }),
  authentication: 'shared-secret',
  credential: { in: 'query', name: 'secret' },
  inbound: [
    {
      name: 'a private message with the secret in the webhook URL',
      request: baleUpdate('message.json', 'query'),
      expected: [
        {
          kind: 'message',
          providerMessageId: '1593068742:77',
          threadKey: '1593068742',
          from: {
            identifiers: [
              { type: 'bale', value: '1593068742' },
              { type: 'bale', value: 'maryam_h' },
            ],
            name: 'مریم حسینی',
          },
          text: 'وضعیت سفارش ۷۸۹؟',
          attachments: [],
          sentAt: new Date(1736931200 * 1000),
        },
      ],
    },
  ],
  send: {
    message: {
      messageId: 'msg-05',
      threadKey: '1593068742',
      to: { type: 'bale', value: '1593068742' },
      text: 'سفارش ۷۸۹ ارسال شده است.',
      attachments: [],
      inReplyTo: '1593068742:77',
    },
    request: {
      method: 'POST',
      path: '/bot1593068742:bale-token-abc/sendMessage',
      headers: { 'content-type': 'application/json' },
      bodyType: 'json',
      body: { chat_id: 1593068742, text: 'سفارش ۷۸۹ ارسال شده است.', reply_to_message_id: 77 },
    },
    success: {
      status: 200,
      body: {
        ok: true,
        result: {
          message_id: 78,
          chat: { id: 1593068742, type: 'private' },
          date: 1736931220,
          text: 'سفارش ۷۸۹ ارسال شده است.',
        },
      },
    },
    providerMessageId: '1593068742:78',
    errorBody: telegramErrorBody,
  },
};
