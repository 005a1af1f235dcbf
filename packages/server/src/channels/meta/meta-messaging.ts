// Direct messages on Messenger and Instagram arrive as the same `entry[].messaging[]` events;
// this reads them once for both. Comments (`entry[].changes[]`) differ per network and are read
// by each adapter.
import { z } from 'zod';
import type { Attachment, Inbound } from '../channel-adapter.ts';
import { fromEpoch } from '../inbound.ts';

const MetaAttachment = z.object({
  type: z.string(),
  payload: z.object({ url: z.string().optional(), title: z.string().optional() }).nullish(),
});

export const MessagingEvent = z.object({
  sender: z.object({ id: z.string() }),
  recipient: z.object({ id: z.string() }),
  timestamp: z.number().optional(),
  message: z
    .object({
      mid: z.string(),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      is_deleted: z.boolean().optional(),
      attachments: z.array(MetaAttachment).optional(),
      reply_to: z.object({ mid: z.string().optional() }).optional(),
    })
    .optional(),
  postback: z
    .object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string().optional() })
    .optional(),
  delivery: z.object({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
  read: z.object({ mid: z.string().optional(), watermark: z.number().optional() }).optional(),
});
export type MessagingEvent = z.infer<typeof MessagingEvent>;

const CONTENT_TYPES: Record<string, string> = { image: 'image/*', video: 'video/*', audio: 'audio/*' };

function attachmentsOf(event: MessagingEvent): Attachment[] {
  const attachments: Attachment[] = [];
  for (const attachment of event.message?.attachments ?? []) {
    const url = attachment.payload?.url;
    // Shares without a URL (unsupported or expired content) carry nothing an agent can open.
    if (url === undefined) continue;
    const lastSegment = new URL(url, 'https://invalid.example').pathname.split('/').pop() ?? '';
    attachments.push({
      filename: lastSegment !== '' ? decodeURIComponent(lastSegment) : attachment.type,
      contentType: CONTENT_TYPES[attachment.type] ?? 'application/octet-stream',
      size: 0,
      url,
    });
  }
  return attachments;
}

/**
 * Items of one messaging event. `identifierType` is the network's scoped-id type (a PSID on
 * Messenger, an IGSID on Instagram); the thread is the conversation with that person.
 */
export function readMessagingEvent(
  event: MessagingEvent,
  identifierType: 'messenger' | 'instagram',
  entryAt: Date,
): Inbound[] {
  const at = event.timestamp !== undefined ? fromEpoch(event.timestamp) : entryAt;
  const from = { identifiers: [{ type: identifierType, value: event.sender.id }] };
  const threadKey = event.sender.id;
  const { message, postback, delivery, read } = event;
  // Echoes are our own sends (or a person answering in Meta's inbox): never a customer message.
  if (message !== undefined && message.is_echo !== true && message.is_deleted !== true) {
    return [
      {
        kind: 'message',
        providerMessageId: message.mid,
        threadKey,
        from,
        text: message.text ?? '',
        attachments: attachmentsOf(event),
        sentAt: at,
        ...(message.reply_to?.mid !== undefined ? { inReplyTo: message.reply_to.mid } : {}),
      },
    ];
  }
  if (postback !== undefined) {
    // A button press reads as what the button said; older postbacks have no mid of their own.
    return [
      {
        kind: 'message',
        providerMessageId: postback.mid ?? `postback:${event.sender.id}:${at.getTime()}`,
        threadKey,
        from,
        text: postback.title ?? postback.payload ?? '',
        attachments: [],
        sentAt: at,
      },
    ];
  }
  if (delivery !== undefined) {
    return (delivery.mids ?? []).map((mid) => ({
      kind: 'receipt',
      providerMessageId: mid,
      status: 'delivered',
      at: fromEpoch(delivery.watermark),
    }));
  }
  // Messenger reads carry only a watermark ("everything before T"), which a per-message receipt
  // cannot express; Instagram reads name the message.
  if (read?.mid !== undefined) {
    return [{ kind: 'receipt', providerMessageId: read.mid, status: 'read', at }];
  }
  return [];
}

/** The Send API body for a reply inside the 24-hour window of a person's last message. */
export function sendApiBody(recipientId: string, text: string): unknown {
  return { recipient: { id: recipientId }, messaging_type: 'RESPONSE', message: { text } };
}
