// An e-mail inbox's settings: its address, the SMTP server it sends through, and optionally an
// IMAP mailbox to poll when mail reaches it there rather than at our own SMTP listener.
import { z } from 'zod';
import { normalizeEmail } from '../../core/identifiers.ts';

const Address = z.string().transform((value, ctx) => {
  const email = normalizeEmail(value);
  if (email === null) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an e-mail address` });
    return z.NEVER;
  }
  return email;
});

const Port = z.number().int().min(1).max(65535);

/**
 * `required` (the default) refuses to log in or send over a connection that did not upgrade to
 * TLS, so an attacker who strips STARTTLS from the server's reply gets nothing; `opportunistic`
 * upgrades when offered; `off` never does (a relay on the same host). Ignored when `secure`.
 */
const Starttls = z.enum(['required', 'opportunistic', 'off']).default('required');

/** A PEM certificate authority for a server whose certificate a private CA signed. */
const Ca = z.string().includes('-----BEGIN CERTIFICATE-----').optional();

export const SmtpSettings = z
  .object({
    host: z.string().min(1),
    port: Port,
    /** Implicit TLS (port 465); otherwise see `starttls`. */
    secure: z.boolean(),
    /** Optional: a relay that trusts our address needs no login. */
    user: z.string().min(1).optional(),
    pass: z.string().optional(),
    starttls: Starttls,
    ca: Ca,
  })
  .refine((smtp) => (smtp.user === undefined) === (smtp.pass === undefined), {
    message: 'give both user and pass, or neither',
  });

export const ImapSettings = z.object({
  host: z.string().min(1),
  port: Port,
  secure: z.boolean(),
  user: z.string().min(1),
  pass: z.string(),
  mailbox: z.string().min(1).default('INBOX'),
  starttls: Starttls,
  ca: Ca,
  /** How often the desk polls this mailbox; 15 s at least, since each poll is a fresh IMAP login. */
  pollSeconds: z.number().int().min(15).max(86_400).default(60),
});

export const EmailConfig = z.object({
  /** The inbox's address: mail to it is this inbox's, and replies come from it. */
  address: Address,
  /** The display name on outgoing mail ("Acme support"). */
  name: z.string().trim().min(1).max(200).optional(),
  smtp: SmtpSettings,
  imap: ImapSettings.optional(),
});
export type EmailConfig = z.infer<typeof EmailConfig>;
export type ImapSettings = z.infer<typeof ImapSettings>;
