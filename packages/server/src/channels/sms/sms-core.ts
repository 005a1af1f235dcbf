// What every SMS provider shares, so Twilio and Kavenegar (and the next gateway) read senders,
// threads and receipts the same way and differ only in their wire format.
import { err, ok, type Result } from 'neverthrow';
import { normalizePhone } from '../../core/identifiers.ts';
import type {
  Attachment,
  DeliveryStatus,
  Inbound,
  Outbound,
  SendFailure,
  Sender,
} from '../channel-adapter.ts';
import { recipientPhone, textWithAttachmentLinks } from '../outbound.ts';

/**
 * Short codes and alphanumeric senders ("MCI", "30001234") are not phones; they are kept under
 * this external type instead of being dropped, so the message still reaches the inbox.
 */
export const NON_PHONE_SENDER = 'external:sms';

export function smsSender(raw: string): Sender {
  const phone = normalizePhone(raw);
  return phone === null
    ? { identifiers: [{ type: NON_PHONE_SENDER, value: raw.trim() }] }
    : { identifiers: [{ type: 'phone', value: phone }] };
}

/** One conversation per customer number: the business number is fixed by the inbox. */
export function smsThreadKey(sender: Sender): string {
  return sender.identifiers[0]?.value ?? '';
}

export type SmsMessageFields = {
  providerMessageId: string;
  from: string;
  text: string;
  sentAt: Date;
  attachments?: Attachment[];
};

export function smsMessage(fields: SmsMessageFields): Inbound {
  const from = smsSender(fields.from);
  return {
    kind: 'message',
    providerMessageId: fields.providerMessageId,
    threadKey: smsThreadKey(from),
    from,
    text: fields.text,
    attachments: fields.attachments ?? [],
    sentAt: fields.sentAt,
  };
}

/** A receipt, or nothing when the provider's state says nothing about delivery. */
export function smsReceipt(
  providerMessageId: string,
  status: DeliveryStatus | null,
  at: Date,
  error?: string,
): Inbound[] {
  if (status === null) return [];
  return [
    {
      kind: 'receipt',
      providerMessageId,
      status,
      at,
      ...(status === 'failed' && error !== undefined ? { error } : {}),
    },
  ];
}

/** Recipient number (E.164) and text (attachments as links) of an outbound SMS. */
export function smsOutbound(message: Outbound): Result<{ to: string; text: string }, SendFailure> {
  const to = recipientPhone(message);
  if (to.isErr()) return err(to.error);
  const text = textWithAttachmentLinks(message);
  if (text.isErr()) return err(text.error);
  if (text.value === '') return err({ type: 'permanent', reason: 'an SMS cannot be empty' });
  return ok({ to: to.value, text: text.value });
}
