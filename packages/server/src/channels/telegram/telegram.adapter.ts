// Telegram Bot API, written once for Telegram and the networks that copy its API (Bale): a
// flavour names the channel kind, the identifier type of its users and its default base URL.
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { normalizeIdentifier, normalizePhone, type Identifier } from '../../core/identifiers.ts';
import type {
  Attachment,
  ChannelAdapter,
  Inbound,
  Outbound,
  ParseError,
  RawWebhook,
  SendFailure,
  Sender,
} from '../channel-adapter.ts';
import {
  callProvider,
  failureClass,
  isSuccess,
  joinUrl,
  type ProviderReply,
  type SendResult,
} from '../http.ts';
import { fromEpoch, header, parseJsonBody, receivedAt, validate } from '../inbound.ts';
import { textWithAttachmentLinks } from '../outbound.ts';
import { secretMatches } from '../signatures.ts';
import {
  TelegramUpdate,
  type TelegramFile,
  type TelegramMessage,
  type TelegramUser,
} from './telegram.payload.ts';

export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** The query parameter a flavour whose setWebhook has no secret_token may use instead. */
export const SECRET_QUERY_PARAM = 'secret';

export type TelegramFlavour<K extends 'telegram' | 'bale'> = {
  kind: K;
  /** Display name in failure reasons. */
  name: string;
  identifierType: K;
  defaultBaseUrl: string;
  /** Whether the webhook secret may come as `?secret=` (for networks without the header). */
  secretInQuery: boolean;
  /** Telegram moved to `reply_parameters`; clones may only know `reply_to_message_id`. */
  replyField: 'reply_parameters' | 'reply_to_message_id';
};

export function telegramConfigSchema(defaultBaseUrl: string) {
  return z.object({
    /** The token from BotFather, as in `…/bot<token>/sendMessage`. */
    botToken: z.string().min(1),
    /** The secret_token given to setWebhook (Telegram allows 1–256 of A–Z a–z 0–9 _ -). */
    secretToken: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/),
    baseUrl: z.url().default(defaultBaseUrl),
  });
}
export type TelegramConfig = z.infer<ReturnType<typeof telegramConfigSchema>>;

function senderOf(user: TelegramUser, type: 'telegram' | 'bale'): Sender {
  // The numeric id is the stable identity; a username (which starts with a letter, so it never
  // equals an id) is kept too because customers give their handle on other channels.
  const identifiers: Identifier[] = [{ type, value: String(user.id) }];
  const username = user.username && normalizeIdentifier(type, user.username);
  if (username) identifiers.push({ type, value: username });
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return { identifiers, ...(name !== '' ? { name } : {}) };
}

function fileAttachment(
  scheme: string,
  file: TelegramFile,
  fallbackName: string,
  contentType: string,
): Attachment {
  // File ids need a getFile call with the bot token to become a URL; `parse` does no I/O.
  return {
    filename: file.file_name ?? fallbackName,
    contentType: file.mime_type ?? contentType,
    size: file.file_size ?? 0,
    url: `${scheme}${file.file_id}`,
  };
}

function contentOf(message: TelegramMessage, scheme: string): { text: string; attachments: Attachment[] } {
  const attachments: Attachment[] = [];
  const largestPhoto = message.photo?.at(-1);
  if (largestPhoto) attachments.push(fileAttachment(scheme, largestPhoto, 'photo.jpg', 'image/jpeg'));
  if (message.document)
    attachments.push(fileAttachment(scheme, message.document, 'document', 'application/octet-stream'));
  if (message.audio) attachments.push(fileAttachment(scheme, message.audio, 'audio', 'audio/mpeg'));
  if (message.video) attachments.push(fileAttachment(scheme, message.video, 'video.mp4', 'video/mp4'));
  if (message.voice) attachments.push(fileAttachment(scheme, message.voice, 'voice.ogg', 'audio/ogg'));
  let text = message.text ?? message.caption ?? '';
  if (message.sticker && text === '') text = message.sticker.emoji ?? '[sticker]';
  if (message.location) text = `${message.location.latitude},${message.location.longitude}`;
  if (message.contact) {
    const name = [message.contact.first_name, message.contact.last_name].filter(Boolean).join(' ');
    text = [name, message.contact.phone_number].filter((part) => part !== '').join(': ');
  }
  return { text, attachments };
}

function readMessage(message: TelegramMessage, type: 'telegram' | 'bale', edited: boolean): Inbound[] {
  // Messages without a sender (anonymous group admins, channel posts) have no one to answer.
  if (message.from === undefined) return [];
  const from = senderOf(message.from, type);
  // A person sharing their own contact (the "share my number" button) tells us their phone.
  const contact = message.contact;
  const phone = contact?.user_id === message.from.id ? normalizePhone(contact?.phone_number ?? '') : null;
  if (phone !== null) from.identifiers.push({ type: 'phone', value: phone });
  const chat = message.chat.id;
  // message_id is unique only inside its chat.
  const id = `${chat}:${message.message_id}`;
  const content = contentOf(message, `${type}-file:`);
  const replyTo = message.reply_to_message ? `${chat}:${message.reply_to_message.message_id}` : undefined;
  return [
    {
      kind: 'message',
      // An edit is a new item pointing at the original, so the first text is not lost.
      providerMessageId: edited ? `${id}:edit:${message.edit_date ?? message.date}` : id,
      threadKey: String(chat),
      from,
      ...content,
      sentAt: fromEpoch(edited ? (message.edit_date ?? message.date) : message.date),
      ...(edited ? { inReplyTo: id } : replyTo !== undefined ? { inReplyTo: replyTo } : {}),
    },
  ];
}

function readUpdate(update: TelegramUpdate, type: 'telegram' | 'bale', req: RawWebhook): Inbound[] {
  if (update.message) return readMessage(update.message, type, false);
  if (update.edited_message) return readMessage(update.edited_message, type, true);
  const query = update.callback_query;
  if (query) {
    // A button press reads as the button's data, in the chat of the message it was under.
    const chat = query.message?.chat.id ?? query.from.id;
    return [
      {
        kind: 'message',
        providerMessageId: `callback:${query.id}`,
        threadKey: String(chat),
        from: senderOf(query.from, type),
        text: query.data ?? '',
        attachments: [],
        sentAt: receivedAt(req),
        ...(query.message ? { inReplyTo: `${chat}:${query.message.message_id}` } : {}),
      },
    ];
  }
  return [];
}

function telegramFailure(name: string, reply: ProviderReply): SendFailure {
  const body = reply.json as { description?: unknown } | null;
  const description = typeof body?.description === 'string' ? body.description : `HTTP ${reply.status}`;
  const reason = `${name}: ${description}`;
  // A wrong token answers 401 (or 404 for a malformed one); 403 means this person blocked the
  // bot or removed it from the chat — a failed message, not a broken inbox.
  if (reply.status === 401 || reply.status === 404) return { type: 'auth', reason };
  if (reply.status === 403) return { type: 'permanent', reason };
  return { type: failureClass(reply.status), reason };
}

function chatIdOf(message: Outbound, type: 'telegram' | 'bale'): number | null {
  if (/^-?\d+$/.test(message.threadKey)) return Number(message.threadKey);
  // A bot can only write to a numeric chat; usernames cannot start a conversation.
  if (message.to.type === type && /^\d+$/.test(message.to.value)) return Number(message.to.value);
  return null;
}

function replyFields<K extends 'telegram' | 'bale'>(
  flavour: TelegramFlavour<K>,
  chatId: number,
  inReplyTo: string | undefined,
): Record<string, unknown> {
  const [chat, messageId] = (inReplyTo ?? '').split(':');
  if (chat !== String(chatId) || messageId === undefined || !/^\d+$/.test(messageId)) return {};
  return flavour.replyField === 'reply_parameters'
    ? { reply_parameters: { message_id: Number(messageId), allow_sending_without_reply: true } }
    : { reply_to_message_id: Number(messageId) };
}

export function createTelegramAdapter<K extends 'telegram' | 'bale'>(
  flavour: TelegramFlavour<K>,
): ChannelAdapter<TelegramConfig> & { kind: K } {
  const schema = telegramConfigSchema(flavour.defaultBaseUrl);

  async function send(message: Outbound, config: TelegramConfig): Promise<SendResult> {
    const text = textWithAttachmentLinks(message);
    if (text.isErr()) return err(text.error);
    if (text.value === '')
      return err({ type: 'permanent', reason: `${flavour.name} cannot send an empty message` });
    const chatId = chatIdOf(message, flavour.identifierType);
    if (chatId === null) {
      return err({
        type: 'permanent',
        reason: `${flavour.name} needs a numeric chat id, not "${message.to.value}"`,
      });
    }
    const reply = await callProvider({
      method: 'POST',
      url: joinUrl(config.baseUrl, `bot${config.botToken}/sendMessage`),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        chat_id: chatId,
        text: text.value,
        ...replyFields(flavour, chatId, message.inReplyTo),
      }),
    });
    if (reply.isErr()) return err(reply.error);
    if (!isSuccess(reply.value.status)) return err(telegramFailure(flavour.name, reply.value));
    const result = (reply.value.json as { result?: { message_id?: unknown; chat?: { id?: unknown } } } | null)
      ?.result;
    if (typeof result?.message_id !== 'number') {
      return err({ type: 'permanent', reason: `${flavour.name} answered without a message id` });
    }
    const chat = typeof result.chat?.id === 'number' ? result.chat.id : chatId;
    return ok({ providerMessageId: `${chat}:${result.message_id}` });
  }

  const adapter: ChannelAdapter<TelegramConfig> & { kind: K } = {
    kind: flavour.kind,
    config: schema,
    verify: (req: RawWebhook, config: TelegramConfig): boolean =>
      secretMatches(header(req, TELEGRAM_SECRET_HEADER), config.secretToken) ||
      (flavour.secretInQuery && secretMatches(req.query[SECRET_QUERY_PARAM], config.secretToken)),
    parse: (req: RawWebhook): Result<Inbound[], ParseError> =>
      parseJsonBody(req)
        .andThen((raw) => validate(TelegramUpdate, raw, `${flavour.name} update`))
        .map((update) => readUpdate(update, flavour.identifierType, req)),
    send,
  };
  return adapter;
}

export const telegramAdapter = createTelegramAdapter({
  kind: 'telegram',
  name: 'Telegram',
  identifierType: 'telegram',
  defaultBaseUrl: 'https://api.telegram.org',
  secretInQuery: false,
  replyField: 'reply_parameters',
});
