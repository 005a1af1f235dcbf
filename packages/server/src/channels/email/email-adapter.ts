// The e-mail channel. Mail comes in through our SMTP listener or the IMAP poller (never through
// the public webhook route), goes out through the inbox's SMTP server, and delivery failures come
// back as bounce messages (DSNs) to the inbox's own address.
import type { Result } from 'neverthrow';
import type { ChannelAdapter, Inbound, ParseError, RawWebhook } from '../channel-adapter.ts';
import { receivedAt } from '../inbound.ts';
import { EmailConfig } from './email-config.ts';
import { envelopeRecipients, envelopeSender, isEmailTransport } from './email-envelope.ts';
import { readEmail } from './email-parse.ts';
import { sendEmail } from './email-send.ts';

/**
 * There is no provider signature on mail. What proves a request is a mail we received: its
 * method is SMTP or IMAP, which only our listener and poller write (an HTTP request to the
 * webhook route is GET or POST), and the inbox's address is among its envelope recipients, so
 * one mail to two of our addresses is taken by both inboxes and by no other. Nothing here is
 * secret, so a plain comparison leaks nothing.
 */
function verify(req: RawWebhook, config: EmailConfig): boolean {
  if (!isEmailTransport(req.method)) return false;
  return envelopeRecipients(req).includes(config.address);
}

function parse(req: RawWebhook, config: EmailConfig): Result<Inbound[], ParseError> {
  return readEmail(req.rawBody, {
    address: config.address,
    receivedAt: receivedAt(req),
    envelopeFrom: envelopeSender(req),
  });
}

export const emailAdapter = {
  kind: 'email',
  config: EmailConfig,
  verify,
  parse,
  send: sendEmail,
} satisfies ChannelAdapter<EmailConfig> & { kind: 'email' };

export { EmailConfig } from './email-config.ts';
export { emailRawWebhook, type SmtpEnvelope } from './email-envelope.ts';
export type { EmailMessageItem } from './email-parse.ts';
