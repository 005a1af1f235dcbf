// The one shape every channel has. Everything common to channels (finding the customer and the
// conversation, dedupe by provider message id, retries, dead letters) lives in inbox/, not here:
// an adapter only speaks its provider's protocol.
import type { Result } from 'neverthrow';
import type { z } from 'zod';
import type { Identifier } from '../core/identifiers.ts';

export const CHANNEL_KINDS = [
  'email',
  'webchat',
  'sms_twilio',
  'sms_kavenegar',
  'whatsapp',
  'instagram',
  'messenger',
  'telegram',
  'bale',
  'x',
  'voice',
  'api',
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** An inbound provider request exactly as it arrived, so signatures are checked over the raw bytes. */
export type RawWebhook = {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  rawBody: Buffer;
};

export type Attachment = {
  filename: string;
  contentType: string;
  size: number;
  url?: string;
  content?: Buffer;
};

export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export type Sender = { identifiers: Identifier[]; name?: string };

/** What a provider request means, once parsed. A request may carry several (Meta batches entries). */
export type Inbound =
  | {
      kind: 'message';
      providerMessageId: string;
      /** Groups messages of one thread on the provider side (chat id, e-mail thread root, post id). */
      threadKey: string;
      from: Sender;
      text: string;
      html?: string;
      attachments: Attachment[];
      sentAt: Date;
      inReplyTo?: string;
      /** A comment on a public post (Instagram/Facebook/X) rather than a direct message. */
      publicPost?: { postId: string; commentId: string };
    }
  | { kind: 'receipt'; providerMessageId: string; status: DeliveryStatus; error?: string; at: Date }
  | {
      kind: 'call';
      callId: string;
      from: Sender;
      to?: string;
      state: 'ringing' | 'answered' | 'hangup';
      at: Date;
      durationSeconds?: number;
      recordingUrl?: string;
      agentExtension?: string;
    };

export type Outbound = {
  /** Our message id: adapters pass it as the provider's idempotency/client reference when they can. */
  messageId: string;
  threadKey: string;
  to: Identifier;
  text: string;
  html?: string;
  attachments: Attachment[];
  inReplyTo?: string;
  publicPost?: { postId: string; commentId: string };
  subject?: string;
};

export type ParseError = { type: 'unparseable'; reason: string };

/** Failure classes decide the retry policy: transient retries with backoff, permanent fails the message, auth disables the inbox. */
export type SendFailure = { type: 'transient' | 'permanent' | 'auth'; reason: string };

export type ChannelAdapter<Config> = {
  kind: ChannelKind;
  config: z.ZodType<Config>;
  /** Constant-time check of the provider's signature or secret; no I/O. */
  verify(req: RawWebhook, config: Config): boolean;
  /** Provider payload → inbound items; no database. */
  parse(req: RawWebhook, config: Config): Result<Inbound[], ParseError>;
  send(message: Outbound, config: Config): Promise<Result<{ providerMessageId: string }, SendFailure>>;
};
