// Recorded Telegram Bot API updates and the sendMessage request, for the adapter contract suite.
import { fixture, RECEIVED_AT, webhook, type ContractCase } from '../contract/contract-case.ts';
import { telegramAdapter, type TelegramConfig } from './telegram.adapter.ts';

export const TELEGRAM_SECRET = 'tg_webhook_secret-123';

export function telegramUpdate(name: string) {
  return webhook({
    url: '/webhooks/telegram/inbox-4',
    headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': TELEGRAM_SECRET },
    body: fixture(import.meta.url, name),
  });
}

const ali = {
  identifiers: [
    { type: 'telegram' as const, value: '1111111' },
    { type: 'telegram' as const, value: 'ali_rezaei' },
  ],
  name: 'Ali Rezaei',
};

export const telegramErrorBody = (status: number): unknown => ({
  ok: false,
  error_code: status,
  description:
    status === 401
      ? 'Unauthorized'
      : status === 400
        ? 'Bad Request: chat not found'
        : status === 429
          ? 'Too Many Requests: retry after 5'
          : 'Internal Server Error',
  ...(status === 429 ? { parameters: { retry_after: 5 } } : {}),
});

export const telegramContractCase: ContractCase<TelegramConfig> = {
  adapter: telegramAdapter,
  config: (peerUrl) => ({
    botToken: '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11',
    secretToken: TELEGRAM_SECRET,
    baseUrl: peerUrl,
  }),
  authentication: 'shared-secret',
  credential: { in: 'header', name: 'x-telegram-bot-api-secret-token' },
  inbound: [
    {
      name: 'a private message replying to the bot',
      request: telegramUpdate('message.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: '1111111:1365',
          threadKey: '1111111',
          from: ali,
          text: 'سلام، رمز عبورم را فراموش کرده‌ام',
          attachments: [],
          sentAt: new Date(1736930900 * 1000),
          inReplyTo: '1111111:1360',
        },
      ],
    },
    {
      name: 'an edited message',
      request: telegramUpdate('edited-message.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: '1111111:1365:edit:1736930960',
          threadKey: '1111111',
          from: ali,
          text: 'سلام، رمز عبور حسابم را فراموش کرده‌ام',
          attachments: [],
          sentAt: new Date(1736930960 * 1000),
          inReplyTo: '1111111:1365',
        },
      ],
    },
    {
      name: 'a button press (callback query)',
      request: telegramUpdate('callback-query.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: 'callback:4382bfdwdsb323b2d9',
          threadKey: '1111111',
          from: ali,
          text: 'csat:5',
          attachments: [],
          sentAt: RECEIVED_AT,
          inReplyTo: '1111111:1370',
        },
      ],
    },
    {
      name: 'a photo with a caption',
      request: telegramUpdate('photo-with-caption.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: '1111111:1371',
          threadKey: '1111111',
          from: { identifiers: [{ type: 'telegram', value: '1111111' }], name: 'Ali' },
          text: 'صفحه خطا',
          attachments: [
            {
              filename: 'photo.jpg',
              contentType: 'image/jpeg',
              size: 81203,
              url: 'telegram-file:AgACAgQAAxkBAAIBsmaLarge',
            },
          ],
          sentAt: new Date(1736931100 * 1000),
        },
      ],
    },
  ],
  send: {
    message: {
      messageId: 'msg-04',
      threadKey: '1111111',
      to: { type: 'telegram', value: '1111111' },
      text: 'لینک بازیابی رمز برایتان ارسال شد.',
      attachments: [],
      inReplyTo: '1111111:1365',
    },
    request: {
      method: 'POST',
      path: '/bot123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11/sendMessage',
      headers: { 'content-type': 'application/json' },
      bodyType: 'json',
      body: {
        chat_id: 1111111,
        text: 'لینک بازیابی رمز برایتان ارسال شد.',
        reply_parameters: { message_id: 1365, allow_sending_without_reply: true },
      },
    },
    success: {
      status: 200,
      body: {
        ok: true,
        result: {
          message_id: 1366,
          from: {
            id: 7000000001,
            is_bot: true,
            first_name: 'Pishkhan Support',
            username: 'pishkhan_support_bot',
          },
          chat: { id: 1111111, first_name: 'Ali', type: 'private' },
          date: 1736930920,
          text: 'لینک بازیابی رمز برایتان ارسال شد.',
        },
      },
    },
    providerMessageId: '1111111:1366',
    errorBody: telegramErrorBody,
  },
};
