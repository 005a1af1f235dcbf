// Our own mail server for inbound mail, the way an MX host receives it: any server may deliver,
// without logging in, but only to addresses of our inboxes (anything else is 550, so we are
// never an open relay). A mail is answered 250 only once `onMessage` resolved — that is, once the
// caller has stored it — so a crash before then leaves the mail with the sending server, which
// retries; a failure of `onMessage` answers 451, which makes it retry too.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { normalizeEmail } from '../../core/identifiers.ts';
import type { SmtpEnvelope } from './email-envelope.ts';

export type SmtpListenerOptions = {
  port: number;
  host?: string;
  /** Store the mail (and its processing job); resolve only when it is durable. */
  onMessage: (raw: Buffer, envelope: SmtpEnvelope) => Promise<void>;
  /** Whether an address (normalised, lower-case) belongs to one of our inboxes. */
  acceptsRecipient: (address: string) => Promise<boolean>;
  maxSizeBytes: number;
  /** The name we greet with and write into Received: headers (the MX host's name). */
  hostname?: string;
  /** A certificate to offer STARTTLS with; without one, STARTTLS is not offered at all. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** More recipients than this in one mail is a mass mailing, not a customer. */
  maxRecipients?: number;
  /** Connection-level errors (a client resetting, a TLS handshake gone wrong); they never stop the listener. */
  onError?: (error: Error) => void;
};

export type SmtpListener = { port: number; close(): Promise<void> };

type Reply = Error & { responseCode: number };

function reply(responseCode: number, message: string): Reply {
  return Object.assign(new Error(message), { responseCode });
}

function receivedHeader(session: SMTPServerSession, hostname: string, at: Date): string {
  const helo = session.hostNameAppearsAs || 'unknown';
  const via = session.secure ? 'ESMTPS' : 'ESMTP';
  return `Received: from ${helo} ([${session.remoteAddress}])\r\n\tby ${hostname} with ${via} id ${session.id};\r\n\t${at.toUTCString().replace('GMT', '+0000')}\r\n`;
}

/** Reads the DATA stream; past the limit it keeps draining (the client must finish) but stops keeping bytes. */
async function readData(stream: SMTPServerDataStream, maxSizeBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxSizeBytes) chunks.push(chunk);
  }
  return stream.sizeExceeded || size > maxSizeBytes ? null : Buffer.concat(chunks);
}

export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const hostname = options.hostname ?? 'localhost';
  const server = new SMTPServer({
    name: hostname,
    size: options.maxSizeBytes,
    // Mail arrives from other servers, which have no account with us: no AUTH at all.
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    // A reverse lookup per connection costs a DNS round trip and decides nothing here.
    disableReverseLookup: true,
    maxRecipients: options.maxRecipients ?? 100,
    logger: false,
    onRcptTo(address, _session, callback) {
      const email = normalizeEmail(address.address);
      if (email === null) {
        callback(reply(553, '5.1.3 That is not a valid mailbox address'));
        return;
      }
      options.acceptsRecipient(email).then(
        (known) => callback(known ? null : reply(550, '5.1.1 No such mailbox here')),
        // We could not tell (a database hiccup): ask the sender to come back rather than bounce.
        () => callback(reply(451, '4.3.0 Temporary failure, try again later')),
      );
    },
    onData(stream, session, callback) {
      const at = new Date();
      readData(stream, options.maxSizeBytes)
        .then(async (message) => {
          if (message === null) {
            callback(reply(552, '5.3.4 Message exceeds the maximum size we accept'));
            return;
          }
          const envelope: SmtpEnvelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => normalizeEmail(rcpt.address) ?? rcpt.address),
          };
          // The trace headers every receiving MTA adds (RFC 5321 §4.4): where it came from, and the envelope sender.
          const trace = `Return-Path: <${envelope.from}>\r\n${receivedHeader(session, hostname, at)}`;
          await options.onMessage(Buffer.concat([Buffer.from(trace, 'latin1'), message]), envelope);
          callback(null, 'OK: message stored');
        })
        .catch(() => callback(reply(451, '4.3.0 Could not store the message, try again later')));
    },
  });
  const failed = once(server, 'error').then(([error]) => Promise.reject(error as Error));
  server.listen(options.port, options.host ?? '0.0.0.0');
  await Promise.race([once(server.server, 'listening'), failed]);
  // smtp-server reports every broken client connection as an 'error' event; unhandled, one
  // client resetting its socket would take the whole process down.
  server.on('error', (error: Error) => options.onError?.(error));
  failed.catch(() => undefined);
  const address = server.server.address() as AddressInfo;
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
