// The generic API channel: any system POSTs messages signed with HMAC-SHA256 of the raw body
// (X-Pishkhan-Signature: sha256=<hex>), and replies are POSTed to its webhook URL signed the
// same way, so both directions are checked with one secret and one rule.
import { err, ok, Result } from 'neverthrow';
import { z } from 'zod';
import { isIdentifierType, normalizeIdentifier, type Identifier } from '../../core/identifiers.ts';
import type { ChannelAdapter, Inbound, Outbound, ParseError, RawWebhook } from '../channel-adapter.ts';
import { callProvider, httpFailure, isSuccess, type SendResult } from '../http.ts';
import { header, parseJsonBody, receivedAt, unparseable, validate } from '../inbound.ts';
import { hmacDigest, hmacMatches } from '../signatures.ts';
import { ApiBody, type ApiEvent, type ApiMessage } from './api.payload.ts';

export const API_SIGNATURE_HEADER = 'x-pishkhan-signature';

export const ApiChannelConfig = z.object({
  /** Shared with the system; at least 32 characters, as it is the only thing guarding the endpoint. */
  secret: z.string().min(32),
  /** Where replies are delivered. */
  webhookUrl: z.url(),
});
export type ApiChannelConfig = z.infer<typeof ApiChannelConfig>;

export function apiSignature(body: Buffer | string, secret: string): string {
  return `sha256=${hmacDigest('sha256', secret, body, 'hex')}`;
}

function senderIdentifiers(from: ApiMessage['from']): Result<Identifier[], ParseError> {
  const raw: { type: string; value: string | number }[] = [...(from.identifiers ?? [])];
  if (from.userId !== undefined) raw.push({ type: 'userId', value: from.userId });
  if (from.email !== undefined) raw.push({ type: 'email', value: from.email });
  if (from.phone !== undefined) raw.push({ type: 'phone', value: from.phone });
  const identifiers: Identifier[] = [];
  for (const { type, value } of raw) {
    if (!isIdentifierType(type)) return err(unparseable(`"${type}" is not an identifier type`));
    const normalized = normalizeIdentifier(type, value);
    // The caller is a program: tell it what it got wrong rather than guessing.
    if (normalized === null) return err(unparseable(`"${String(value)}" is not a valid ${type}`));
    identifiers.push({ type, value: normalized });
  }
  return identifiers.length > 0 ? ok(identifiers) : err(unparseable('the sender has no identifier'));
}

function readEvent(event: ApiEvent, now: Date): Result<Inbound, ParseError> {
  if (event.type === 'receipt') {
    return ok({
      kind: 'receipt',
      providerMessageId: event.messageId,
      status: event.status,
      at: event.at !== undefined ? new Date(event.at) : now,
      ...(event.error !== undefined ? { error: event.error } : {}),
    });
  }
  return senderIdentifiers(event.from).map((identifiers) => ({
    kind: 'message' as const,
    providerMessageId: event.messageId,
    threadKey: event.threadKey ?? `${identifiers[0]?.type}:${identifiers[0]?.value}`,
    from: { identifiers, ...(event.from.name !== undefined ? { name: event.from.name } : {}) },
    text: event.text,
    ...(event.html !== undefined ? { html: event.html } : {}),
    attachments: event.attachments,
    sentAt: event.sentAt !== undefined ? new Date(event.sentAt) : now,
    ...(event.inReplyTo !== undefined ? { inReplyTo: event.inReplyTo } : {}),
    ...(event.publicPost !== undefined ? { publicPost: event.publicPost } : {}),
  }));
}

function parseApi(req: RawWebhook): Result<Inbound[], ParseError> {
  const now = receivedAt(req);
  return parseJsonBody(req)
    .andThen((raw) => validate(ApiBody, raw, 'API event'))
    .andThen((body) => {
      const events = 'events' in body ? body.events : [body];
      return Result.combine(events.map((event) => readEvent(event, now)));
    });
}

async function deliver(message: Outbound, config: ApiChannelConfig): Promise<SendResult> {
  const body = JSON.stringify({
    type: 'message',
    messageId: message.messageId,
    threadKey: message.threadKey,
    to: message.to,
    text: message.text,
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.subject !== undefined ? { subject: message.subject } : {}),
    // The system gets files it cannot fetch from us inline, base64-encoded.
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      ...(a.url !== undefined ? { url: a.url } : { content: a.content?.toString('base64') ?? '' }),
    })),
    ...(message.inReplyTo !== undefined ? { inReplyTo: message.inReplyTo } : {}),
    ...(message.publicPost !== undefined ? { publicPost: message.publicPost } : {}),
  });
  const reply = await callProvider({
    method: 'POST',
    url: config.webhookUrl,
    headers: {
      'content-type': 'application/json',
      [API_SIGNATURE_HEADER]: apiSignature(body, config.secret),
      'idempotency-key': message.messageId,
    },
    body,
  });
  if (reply.isErr()) return err(reply.error);
  const json = reply.value.json as { messageId?: unknown; error?: unknown; message?: unknown } | null;
  if (!isSuccess(reply.value.status)) {
    const reason = [json?.error, json?.message].find((value) => typeof value === 'string');
    return err(httpFailure(reply.value.status, typeof reason === 'string' ? reason : undefined));
  }
  // A system that keeps no ids of its own acknowledges with an empty 2xx; ours then stands.
  return ok({ providerMessageId: typeof json?.messageId === 'string' ? json.messageId : message.messageId });
}

export const apiAdapter = {
  kind: 'api',
  config: ApiChannelConfig,
  verify: (req, config) =>
    hmacMatches({
      algorithm: 'sha256',
      encoding: 'hex',
      secret: config.secret,
      payload: req.rawBody,
      signature: header(req, API_SIGNATURE_HEADER),
      prefix: 'sha256=',
    }),
  parse: (req, _config) => parseApi(req),
  send: deliver,
} satisfies ChannelAdapter<ApiChannelConfig>;
