import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outbound } from '../channel-adapter.ts';
import { webhook } from '../contract/contract-case.ts';
import { startHttpPeer, type HttpPeer } from '../contract/http-peer.ts';
import { telegramAdapter, type TelegramConfig } from './telegram.adapter.ts';
import { TELEGRAM_SECRET, telegramUpdate } from './telegram.contract-case.ts';

let peer: HttpPeer;
let config: TelegramConfig;
beforeAll(async () => {
  peer = await startHttpPeer();
  config = telegramAdapter.config.parse({
    botToken: '123:abc',
    secretToken: TELEGRAM_SECRET,
    baseUrl: peer.url,
  });
});
afterAll(() => peer.close());

const reply: Outbound = {
  messageId: 'msg-1',
  threadKey: '1111111',
  to: { type: 'telegram', value: '1111111' },
  text: 'Hello',
  attachments: [],
};

describe('the Telegram adapter', () => {
  it('uses the official Bot API host by default', () => {
    expect(telegramAdapter.config.parse({ botToken: 'x', secretToken: 's' }).baseUrl).toBe(
      'https://api.telegram.org',
    );
  });

  it('takes the webhook secret only from the header Telegram sends', () => {
    const update = telegramUpdate('message.json');
    const inQuery = { ...update, headers: {}, query: { secret: TELEGRAM_SECRET } };
    expect(telegramAdapter.verify(inQuery, config)).toBe(false);
  });

  it('adds the phone a person shares as their own contact', () => {
    const body = JSON.stringify({
      update_id: 1,
      message: {
        message_id: 9,
        from: { id: 1111111, is_bot: false, first_name: 'Ali' },
        chat: { id: 1111111, type: 'private' },
        date: 1736930900,
        contact: { phone_number: '989121234567', first_name: 'Ali', user_id: 1111111 },
      },
    });
    const [item] = telegramAdapter
      .parse(
        webhook({ url: '/t', headers: { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }, body }),
        config,
      )
      ._unsafeUnwrap();
    expect(item?.kind === 'message' && item.from.identifiers).toEqual([
      { type: 'telegram', value: '1111111' },
      { type: 'phone', value: '+989121234567' },
    ]);
  });

  it('does not take a forwarded contact of someone else as the sender’s phone', () => {
    const body = JSON.stringify({
      update_id: 2,
      message: {
        message_id: 10,
        from: { id: 1111111, is_bot: false, first_name: 'Ali' },
        chat: { id: 1111111, type: 'private' },
        date: 1736930900,
        contact: { phone_number: '+989351112233', first_name: 'Reza', user_id: 2222222 },
      },
    });
    const [item] = telegramAdapter.parse(webhook({ url: '/t', body }), config)._unsafeUnwrap();
    expect(item?.kind === 'message' && item.from.identifiers).toEqual([
      { type: 'telegram', value: '1111111' },
    ]);
  });

  it('ignores updates it has nothing to say about (a member joined)', () => {
    const body = JSON.stringify({ update_id: 3, my_chat_member: { chat: { id: 1 } } });
    expect(telegramAdapter.parse(webhook({ url: '/t', body }), config)._unsafeUnwrap()).toEqual([]);
  });

  it('treats a user who blocked the bot as a failed message, not a broken inbox', async () => {
    peer.answer(403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    expect((await telegramAdapter.send(reply, config))._unsafeUnwrapErr()).toEqual({
      type: 'permanent',
      reason: 'Telegram: Forbidden: bot was blocked by the user',
    });
  });

  it('cannot start a chat from a username', async () => {
    const sent = await telegramAdapter.send(
      { ...reply, threadKey: 'ali_rezaei', to: { type: 'telegram', value: 'ali_rezaei' } },
      config,
    );
    expect(sent._unsafeUnwrapErr().type).toBe('permanent');
  });

  it('does not send an empty message', async () => {
    expect((await telegramAdapter.send({ ...reply, text: '' }, config))._unsafeUnwrapErr().type).toBe(
      'permanent',
    );
  });
});
