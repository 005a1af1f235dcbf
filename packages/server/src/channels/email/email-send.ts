// Outbound mail through the inbox's own SMTP server, and what its refusals mean for retries.
import { err, ok } from 'neverthrow';
import nodemailer from 'nodemailer';
import { normalizeEmail } from '../../core/identifiers.ts';
import type { Outbound, SendFailure } from '../channel-adapter.ts';
import type { SendResult } from '../http.ts';
import type { EmailConfig } from './email-config.ts';
import { asMessageId, messageIds } from './email-parse.ts';

/** Long enough for a slow server, short enough that a delivery worker is not stuck on a dead one. */
const CONNECT_TIMEOUT_MS = 20_000;
const SOCKET_TIMEOUT_MS = 60_000;
const SUBJECT_FALLBACK_LENGTH = 78;

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Our Message-ID for one of our messages. It depends only on our message id, so when a worker
 * crashes after the server accepted the mail and the job runs again, the second copy carries the
 * same id: a DSN still finds the message, and mail clients that drop duplicate ids show one.
 */
export function outboundMessageId(messageId: string, address: string): string {
  return `<${messageId}@${domainOf(address)}>`;
}

function subjectOf(message: Outbound): string {
  const given = message.subject?.trim();
  const base =
    given && given !== ''
      ? given
      : (message.text.split('\n').find((line) => line.trim() !== '') ?? '')
          .trim()
          .slice(0, SUBJECT_FALLBACK_LENGTH);
  if (message.inReplyTo === undefined || /^(re|پاسخ)\s*:/i.test(base)) return base;
  return base === '' ? 'Re:' : `Re: ${base}`;
}

/** The thread's root first and the message answered last: what a client needs to thread the reply. */
function referencesOf(message: Outbound): string[] {
  const ids = [
    ...messageIds(message.threadKey.includes('@') ? asMessageId(message.threadKey) : undefined),
    ...messageIds(message.inReplyTo === undefined ? undefined : asMessageId(message.inReplyTo)),
  ];
  return [...new Set(ids)];
}

type SmtpError = Error & { code?: string; responseCode?: number; response?: string; command?: string };

function asSmtpError(error: unknown): SmtpError {
  return error instanceof Error ? error : new Error(String(error));
}

const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i;

/** The retry class of a failed send (see channel-adapter.ts): RFC 5321 reply classes, plus our setup's faults. */
export function smtpFailure(error: unknown): SendFailure {
  const e = asSmtpError(error);
  const code = e.responseCode;
  const reason = (e.response ?? e.message).trim();
  // 530 "authentication required", 534/535/538: the server does not accept our credentials.
  if (code === 530 || code === 534 || code === 535 || code === 538) return { type: 'auth', reason };
  // EAUTH without a reply: the server offers no way to log in with what we have.
  if ((e.code === 'EAUTH' || e.code === 'ENOAUTH') && code === undefined) return { type: 'auth', reason };
  // An untrusted certificate or a server without the STARTTLS we require will not fix itself;
  // disabling the inbox tells an admin, where retrying would only fail the same way for hours.
  if (
    CERTIFICATE_ERROR.test(
      `${e.code ?? ''} ${(e as { originalCode?: string }).originalCode ?? ''} ${e.message}`,
    )
  ) {
    return { type: 'auth', reason: `TLS: ${reason}` };
  }
  if (code !== undefined) {
    // 503 is a session out of step, not a refusal of the mail (nodemailer treats it the same).
    if (code >= 500 && code !== 503) return { type: 'permanent', reason };
    return { type: 'transient', reason };
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE' || e.code === 'ECONFIG')
    return { type: 'permanent', reason };
  // No reply at all: refused connection, DNS, timeout, a dropped socket — try again later.
  return { type: 'transient', reason };
}

/** Files we hold go as attachments; files we only link to go as links (fetching them here would be I/O on any URL). */
function partsOf(message: Outbound): {
  text: string;
  files: { filename: string; contentType: string; content: Buffer }[];
} {
  const links: string[] = [];
  const files: { filename: string; contentType: string; content: Buffer }[] = [];
  for (const attachment of message.attachments) {
    if (attachment.content !== undefined) {
      files.push({
        filename: attachment.filename,
        contentType: attachment.contentType,
        content: attachment.content,
      });
    } else if (attachment.url !== undefined && /^https?:\/\//.test(attachment.url)) {
      links.push(`${attachment.filename}: ${attachment.url}`);
    }
  }
  return { text: [message.text, ...links].filter((part) => part !== '').join('\n\n'), files };
}

export async function sendEmail(message: Outbound, config: EmailConfig): Promise<SendResult> {
  const to = message.to.type === 'email' ? normalizeEmail(message.to.value) : null;
  if (to === null) {
    return err({
      type: 'permanent',
      reason: `cannot e-mail a ${message.to.type} identifier "${message.to.value}"`,
    });
  }
  const missing = message.attachments.find(
    (a) => a.content === undefined && !/^https?:\/\//.test(a.url ?? ''),
  );
  if (missing) {
    return err({
      type: 'permanent',
      reason: `the attachment "${missing.filename}" has neither content nor a URL`,
    });
  }
  const messageId = outboundMessageId(message.messageId, config.address);
  const references = referencesOf(message);
  const { text, files } = partsOf(message);
  const smtp = config.smtp;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // Credentials never cross the wire in clear text: without implicit TLS, STARTTLS is required.
    requireTLS: !smtp.secure && smtp.starttls === 'required',
    ignoreTLS: !smtp.secure && smtp.starttls === 'off',
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
    ...(smtp.ca !== undefined ? { tls: { ca: smtp.ca } } : {}),
    name: domainOf(config.address),
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
  try {
    await transport.sendMail({
      from: config.name !== undefined ? { name: config.name, address: config.address } : config.address,
      to,
      subject: subjectOf(message),
      text,
      ...(message.html !== undefined ? { html: message.html } : {}),
      attachments: files,
      messageId,
      ...(message.inReplyTo !== undefined ? { inReplyTo: asMessageId(message.inReplyTo) } : {}),
      ...(references.length > 0 ? { references } : {}),
      // Where the server offers DSN: report failures only, with headers, under our message id.
      dsn: { id: message.messageId, return: 'headers', notify: ['failure'], recipient: to },
    });
  } catch (error) {
    return err(smtpFailure(error));
  } finally {
    transport.close();
  }
  return ok({ providerMessageId: messageId });
}
