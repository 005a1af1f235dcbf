// Bale (بله) speaks the Telegram Bot API: the Telegram adapter with Bale's base URL, Bale's own
// identifier type for its users, and the older reply field Bale documents.
import { createTelegramAdapter } from '../telegram/telegram.adapter.ts';

export const BALE_BASE_URL = 'https://tapi.bale.ai';

export const baleAdapter = createTelegramAdapter({
  kind: 'bale',
  name: 'Bale',
  identifierType: 'bale',
  defaultBaseUrl: BALE_BASE_URL,
  // Bale's setWebhook takes only a URL, so the secret can ride in it as `?secret=`.
  secretInQuery: true,
  replyField: 'reply_to_message_id',
});
