import { afterEach, describe, expect, it, vi } from 'vitest';
import { telegramAdapter } from '../telegram/telegram.adapter.ts';
import { telegramUpdate } from '../telegram/telegram.contract-case.ts';
import { BALE_BASE_URL, baleAdapter } from './bale.adapter.ts';
import { BALE_SECRET, baleUpdate } from './bale.contract-case.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the Bale adapter', () => {
  it('reads a Telegram update the way the Telegram adapter does, with Bale identifiers', () => {
    const request = telegramUpdate('message.json');
    const asTelegram = telegramAdapter.parse(
      request,
      telegramAdapter.config.parse({ botToken: 't', secretToken: 's' }),
    );
    const asBale = baleAdapter.parse(request, baleAdapter.config.parse({ botToken: 't', secretToken: 's' }));
    const telegramItem = asTelegram._unsafeUnwrap()[0];
    const baleItem = asBale._unsafeUnwrap()[0];
    expect(baleItem).toEqual({
      ...telegramItem,
      from: {
        identifiers: [
          { type: 'bale', value: '1111111' },
          { type: 'bale', value: 'ali_rezaei' },
        ],
        name: 'Ali Rezaei',
      },
    });
  });

  it('defaults to Bale’s own Bot API host', () => {
    expect(BALE_BASE_URL).toBe('https://tapi.bale.ai');
    expect(baleAdapter.config.parse({ botToken: 't', secretToken: 's' }).baseUrl).toBe(
      'https://tapi.bale.ai',
    );
  });

  it('sends to tapi.bale.ai when no base URL is configured', async () => {
    const calls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      calls.push(url);
      return new Response(JSON.stringify({ ok: true, result: { message_id: 2, chat: { id: 42 } } }), {
        status: 200,
      });
    });
    const config = baleAdapter.config.parse({ botToken: 'bot-token', secretToken: BALE_SECRET });
    const sent = await baleAdapter.send(
      { messageId: 'm', threadKey: '42', to: { type: 'bale', value: '42' }, text: 'سلام', attachments: [] },
      config,
    );
    expect(sent._unsafeUnwrap()).toEqual({ providerMessageId: '42:2' });
    expect(calls).toEqual(['https://tapi.bale.ai/botbot-token/sendMessage']);
  });

  it('accepts the secret in the header too, and gives users bale identifiers', () => {
    const config = baleAdapter.config.parse({ botToken: 't', secretToken: BALE_SECRET });
    const request = baleUpdate('message.json', 'header');
    expect(baleAdapter.verify(request, config)).toBe(true);
    const [item] = baleAdapter.parse(request, config)._unsafeUnwrap();
    expect(item?.kind === 'message' && item.from.identifiers.map((id) => id.type)).toEqual(['bale', 'bale']);
  });
});
