// WhatsApp Cloud API. Inbound: entry[].changes[].value with `messages` and `statuses`.
// Outbound: POST /{version}/{phoneNumberId}/messages with the bearer token.
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { assertUnreachable } from '../../core/assert-unreachable.ts';
import { normalizePhone, type Identifier } from '../../core/identifiers.ts';
import type { Attachment, ChannelAdapter, Inbound, Outbound, ParseError } from '../channel-adapter.ts';
import { unreadableSuccess, type SendResult } from '../http.ts';
import { fromEpoch, parseJsonBody, validate } from '../inbound.ts';
import { graphPost } from '../meta/meta-graph.ts';
import { MetaEnvelope, metaConfigShape, verifyMetaSignature } from '../meta/meta-webhook.ts';
import { recipientPhone } from '../outbound.ts';
import {
  WhatsAppValue,
  type WhatsAppMedia,
  type WhatsAppMessage,
  type WhatsAppStatus,
} from './whatsapp.payload.ts';

export const WhatsAppConfig = z.object({
  ...metaConfigShape,
  /** The business number's id. One app webhook can serve several numbers: others are skipped. */
  phoneNumberId: z.string().min(1),
});
export type WhatsAppConfig = z.infer<typeof WhatsAppConfig>;

/**
 * Inbound media has an id, not a URL: fetching it takes two Graph calls with the token, which
 * `parse` may not make. The attachment's url is `whatsapp-media:<id>` for the inbox to resolve.
 */
export const WHATSAPP_MEDIA_SCHEME = 'whatsapp-media:';

const MEDIA_TYPES = ['image', 'document', 'audio', 'video', 'sticker'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];

function isMediaType(type: string): type is MediaType {
  return (MEDIA_TYPES as readonly string[]).includes(type);
}

function mediaAttachment(type: MediaType, media: WhatsAppMedia): Attachment {
  return {
    filename: media.filename ?? `${type}-${media.id}`,
    contentType: media.mime_type ?? 'application/octet-stream',
    size: 0,
    url: `${WHATSAPP_MEDIA_SCHEME}${media.id}`,
  };
}

/** What the person sent, as text and attachments. Null for what is not a message to answer. */
function contentOf(message: WhatsAppMessage): { text: string; attachments: Attachment[] } | null {
  const type = message.type;
  if (type === 'text') return { text: message.text?.body ?? '', attachments: [] };
  if (isMediaType(type)) {
    const media = message[type];
    if (media === undefined) return { text: '', attachments: [] };
    return { text: media.caption ?? '', attachments: [mediaAttachment(type, media)] };
  }
  if (type === 'location' && message.location !== undefined) {
    const { latitude, longitude, name, address } = message.location;
    const lines = [name, address, `${latitude},${longitude}`].filter((line) => line !== undefined);
    return { text: lines.join('\n'), attachments: [] };
  }
  if (type === 'interactive' && message.interactive !== undefined) {
    const reply = message.interactive.button_reply ?? message.interactive.list_reply;
    return { text: reply?.title ?? '', attachments: [] };
  }
  if (type === 'button' && message.button !== undefined)
    return { text: message.button.text, attachments: [] };
  // Reactions and system notices (number changed) are not messages an agent answers.
  if (type === 'reaction' || type === 'system') return null;
  // Anything newer than this adapter (polls, orders…) still shows that the person wrote.
  return { text: `[${type}]`, attachments: [] };
}

function senderIdentifiers(waId: string): Identifier[] {
  // wa_id is the full international number without "+": never read it as a national number.
  const phone = normalizePhone(`+${waId}`);
  if (phone === null) return [{ type: 'whatsapp', value: `+${waId}` }];
  return [
    { type: 'whatsapp', value: phone },
    { type: 'phone', value: phone },
  ];
}

function readStatus(status: WhatsAppStatus): Inbound[] {
  const at = fromEpoch(status.timestamp);
  const base = { kind: 'receipt' as const, providerMessageId: status.id, at };
  switch (status.status) {
    case 'sent':
    case 'delivered':
    case 'read':
      return [{ ...base, status: status.status }];
    case 'failed': {
      const first = status.errors?.[0];
      const detail = first?.error_data?.details ?? first?.message;
      const error = first
        ? `${first.title ?? 'failed'} (code ${first.code})${detail ? `: ${detail}` : ''}`
        : 'failed';
      return [{ ...base, status: 'failed', error }];
    }
    default:
      // "deleted", "warning" and future states say nothing about delivery.
      return [];
  }
}

function readValue(value: WhatsAppValue): Inbound[] {
  const names = new Map(
    (value.contacts ?? []).map((contact) => [contact.wa_id, contact.profile?.name] as const),
  );
  const items: Inbound[] = [];
  for (const message of value.messages ?? []) {
    const content = contentOf(message);
    if (content === null) continue;
    const name = names.get(message.from);
    items.push({
      kind: 'message',
      providerMessageId: message.id,
      threadKey: message.from,
      from: { identifiers: senderIdentifiers(message.from), ...(name ? { name } : {}) },
      text: content.text,
      attachments: content.attachments,
      sentAt: fromEpoch(message.timestamp),
      ...(message.context?.id !== undefined ? { inReplyTo: message.context.id } : {}),
    });
  }
  for (const status of value.statuses ?? []) items.push(...readStatus(status));
  return items;
}

function parseWhatsApp(raw: unknown, config: WhatsAppConfig): Result<Inbound[], ParseError> {
  const envelope = validate(MetaEnvelope, raw, 'WhatsApp webhook');
  if (envelope.isErr()) return err(envelope.error);
  if (envelope.value.object !== 'whatsapp_business_account') {
    return err({ type: 'unparseable', reason: `expected object "whatsapp_business_account"` });
  }
  const items: Inbound[] = [];
  for (const entry of envelope.value.entry) {
    for (const change of entry.changes ?? []) {
      if (change.field !== 'messages') continue;
      const value = validate(WhatsAppValue, change.value, 'messages change');
      if (value.isErr()) return err(value.error);
      if (value.value.metadata.phone_number_id !== config.phoneNumberId) continue;
      items.push(...readValue(value.value));
    }
  }
  return ok(items);
}

type OutboundMedia = 'image' | 'video' | 'document';

function outboundMediaType(attachment: Attachment): OutboundMedia {
  if (attachment.contentType.startsWith('image/')) return 'image';
  if (attachment.contentType.startsWith('video/')) return 'video';
  // Audio cannot carry a caption, so it goes as a document that can.
  return 'document';
}

function mediaPayload(type: OutboundMedia, link: string, attachment: Attachment, caption: string): unknown {
  const withCaption = caption === '' ? {} : { caption };
  switch (type) {
    case 'image':
    case 'video':
      return { link, ...withCaption };
    case 'document':
      return { link, filename: attachment.filename, ...withCaption };
    default:
      return assertUnreachable(type);
  }
}

/** One message a call: text, or one attachment by link with the text as its caption. */
function whatsappBody(message: Outbound, to: string): Result<Record<string, unknown>, string> {
  const common = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    // Echoed back in status webhooks, so a receipt can be matched to our message id too.
    biz_opaque_callback_data: message.messageId,
    ...(message.inReplyTo !== undefined ? { context: { message_id: message.inReplyTo } } : {}),
  };
  const [attachment, ...more] = message.attachments;
  if (attachment === undefined) {
    return ok({ ...common, type: 'text', text: { preview_url: false, body: message.text } });
  }
  if (more.length > 0) return err('WhatsApp sends one attachment per message; split the message');
  if (attachment.url === undefined || !/^https?:\/\//.test(attachment.url)) {
    return err(`"${attachment.filename}" has no public URL for WhatsApp to fetch`);
  }
  const type = outboundMediaType(attachment);
  return ok({ ...common, type, [type]: mediaPayload(type, attachment.url, attachment, message.text) });
}

async function sendWhatsApp(message: Outbound, config: WhatsAppConfig): Promise<SendResult> {
  const phone = recipientPhone(message);
  if (phone.isErr()) return err(phone.error);
  const body = whatsappBody(message, phone.value.slice(1));
  if (body.isErr()) return err({ type: 'permanent', reason: body.error });
  const reply = await graphPost(config, `${config.phoneNumberId}/messages`, body.value);
  if (reply.isErr()) return err(reply.error);
  const messages = (reply.value.json as { messages?: { id?: unknown }[] } | null)?.messages;
  const id = messages?.[0]?.id;
  return typeof id === 'string' && id !== ''
    ? ok({ providerMessageId: id })
    : err(unreadableSuccess('WhatsApp', reply.value));
}

export const whatsappAdapter = {
  kind: 'whatsapp',
  config: WhatsAppConfig,
  verify: (req, config) => verifyMetaSignature(req, config.appSecret),
  parse: (req, config) => parseJsonBody(req).andThen((raw) => parseWhatsApp(raw, config)),
  send: sendWhatsApp,
} satisfies ChannelAdapter<WhatsAppConfig>;
