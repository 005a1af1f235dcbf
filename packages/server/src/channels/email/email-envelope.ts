// How a mail that reached us by SMTP or IMAP becomes a RawWebhook, so it takes the same road as
// every provider webhook (stored raw, parsed in a job). The SMTP envelope is not part of the
// message bytes, so it travels in headers of our own; the method names the transport, which an
// HTTP request can never carry (the public webhook route only ever sees GET and POST).
import { normalizeEmail } from '../../core/identifiers.ts';
import type { RawWebhook } from '../channel-adapter.ts';
import { header, RECEIVED_AT_HEADER } from '../inbound.ts';

export const EMAIL_TRANSPORTS = ['SMTP', 'IMAP'] as const;
export type EmailTransport = (typeof EMAIL_TRANSPORTS)[number];

export const ENVELOPE_FROM_HEADER = 'x-pishkhan-envelope-from';
export const ENVELOPE_TO_HEADER = 'x-pishkhan-envelope-to';

export type SmtpEnvelope = { from: string; to: string[] };

/**
 * The request to store for one received mail. For SMTP the envelope is the one the sending
 * server gave (RCPT TO decides the inbox, not the To: header, which Bcc and lists leave out);
 * for IMAP the mailbox belongs to one inbox, so `to` is that inbox's address.
 */
export function emailRawWebhook(input: {
  transport: EmailTransport;
  raw: Buffer;
  envelope: SmtpEnvelope;
  receivedAt: Date;
}): RawWebhook {
  return {
    method: input.transport,
    url: input.transport === 'SMTP' ? 'smtp:' : 'imap:',
    headers: {
      [ENVELOPE_FROM_HEADER]: input.envelope.from,
      [ENVELOPE_TO_HEADER]: input.envelope.to.join(', '),
      [RECEIVED_AT_HEADER]: input.receivedAt.toISOString(),
    },
    query: {},
    rawBody: input.raw,
  };
}

export function isEmailTransport(method: string): method is EmailTransport {
  return (EMAIL_TRANSPORTS as readonly string[]).includes(method.toUpperCase());
}

/** The envelope recipients of a stored mail, normalised; empty when it did not come from us. */
export function envelopeRecipients(req: RawWebhook): string[] {
  return (header(req, ENVELOPE_TO_HEADER) ?? '')
    .split(',')
    .map((address) => normalizeEmail(address))
    .filter((address): address is string => address !== null);
}

export function envelopeSender(req: RawWebhook): string | null {
  const from = header(req, ENVELOPE_FROM_HEADER);
  return from === undefined ? null : normalizeEmail(from);
}
