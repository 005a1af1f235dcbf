// Helpers for turning an Outbound message into what a text-only provider can carry.
import { err, ok, type Result } from 'neverthrow';
import { normalizePhone } from '../core/identifiers.ts';
import type { Outbound, SendFailure } from './channel-adapter.ts';

/**
 * The text of a message with its attachments as links under it, for channels that cannot carry
 * a file in the same message (SMS, Telegram's sendMessage, X). An attachment we only hold as
 * bytes cannot become a link here, so the message fails with a reason an agent can act on
 * rather than going out without it.
 */
export function textWithAttachmentLinks(message: Outbound): Result<string, SendFailure> {
  const links: string[] = [];
  for (const attachment of message.attachments) {
    if (attachment.url === undefined || !/^https?:\/\//.test(attachment.url)) {
      return err({
        type: 'permanent',
        reason: `this channel sends attachments as links, and "${attachment.filename}" has no public URL`,
      });
    }
    links.push(attachment.url);
  }
  return ok([message.text, ...links].filter((part) => part !== '').join('\n'));
}

/** The recipient's phone number in E.164, from a `phone` or `whatsapp` identifier. */
export function recipientPhone(message: Outbound): Result<string, SendFailure> {
  if (message.to.type !== 'phone' && message.to.type !== 'whatsapp') {
    return err({
      type: 'permanent',
      reason: `cannot send to a ${message.to.type} identifier on this channel`,
    });
  }
  const phone = normalizePhone(message.to.value);
  return phone === null
    ? err({ type: 'permanent', reason: `"${message.to.value}" is not a valid phone number` })
    : ok(phone);
}
