// Phone calls from a PBX (Asterisk, Issabel) through an AMI/ARI bridge that posts call events
// here with a shared secret. A call is not "sent" like a message: `send` asks the bridge to
// originate a click-to-call instead, when a bridge URL is configured.
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { normalizePhone } from '../../core/identifiers.ts';
import type { ChannelAdapter, Inbound, Outbound, ParseError, RawWebhook } from '../channel-adapter.ts';
import { callProvider, httpFailure, isSuccess, joinUrl, type SendResult } from '../http.ts';
import { formParams, header, parseJsonBody, receivedAt, unparseable } from '../inbound.ts';
import { secretMatches } from '../signatures.ts';
import { lowerCaseKeys, readVoiceEvent } from './voice-events.ts';

export const VOICE_SECRET_HEADER = 'x-pishkhan-secret';

export const VoiceConfig = z.object({
  /** Shared with the bridge, which sends it in X-Pishkhan-Secret (and checks it on originate). */
  secret: z.string().min(16),
  /** What an internal extension looks like, to tell an agent's outgoing call from an incoming one. */
  extensionPattern: z
    .string()
    .default('^\\d{2,5}$')
    .refine((pattern) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression'),
  /** The bridge's base URL: `send` POSTs `{bridgeUrl}/originate` for click-to-call. */
  bridgeUrl: z.url().optional(),
  /** The extension or queue the bridge rings first on click-to-call (the agent's phone). */
  originateExtension: z.string().optional(),
});
export type VoiceConfig = z.infer<typeof VoiceConfig>;

function eventsOf(req: RawWebhook): Result<Record<string, unknown>[], ParseError> {
  const contentType = header(req, 'content-type') ?? '';
  if (!contentType.includes('json')) return ok([formParams(req)]);
  return parseJsonBody(req).andThen((raw) => {
    // A bridge may batch events in an array.
    const list = Array.isArray(raw) ? raw : [raw];
    const events: Record<string, unknown>[] = [];
    for (const item of list) {
      if (typeof item !== 'object' || item === null) return err(unparseable('a call event is not an object'));
      events.push(item as Record<string, unknown>);
    }
    return ok(events);
  });
}

function parseVoice(req: RawWebhook, config: VoiceConfig): Result<Inbound[], ParseError> {
  const pattern = new RegExp(config.extensionPattern);
  const now = receivedAt(req);
  return eventsOf(req).map((events) =>
    events.flatMap((event) => readVoiceEvent(lowerCaseKeys(event), (n) => pattern.test(n), now) ?? []),
  );
}

async function originate(message: Outbound, config: VoiceConfig): Promise<SendResult> {
  if (config.bridgeUrl === undefined) {
    return err({
      type: 'permanent',
      reason: 'calls are not sent as messages; set bridgeUrl so agents can click to call through the PBX',
    });
  }
  if (message.to.type !== 'phone' && message.to.type !== 'voice') {
    return err({ type: 'permanent', reason: `cannot call a ${message.to.type} identifier` });
  }
  const number =
    message.to.type === 'phone' ? (normalizePhone(message.to.value) ?? message.to.value) : message.to.value;
  const reply = await callProvider({
    method: 'POST',
    url: joinUrl(config.bridgeUrl, 'originate'),
    headers: {
      'content-type': 'application/json',
      [VOICE_SECRET_HEADER]: config.secret,
      // The bridge must not ring twice when a retry repeats the request.
      'idempotency-key': message.messageId,
    },
    body: JSON.stringify({
      requestId: message.messageId,
      number,
      ...(config.originateExtension !== undefined ? { extension: config.originateExtension } : {}),
      threadKey: message.threadKey,
      note: message.text,
    }),
  });
  if (reply.isErr()) return err(reply.error);
  const body = reply.value.json as { callId?: unknown; error?: unknown } | null;
  if (!isSuccess(reply.value.status)) {
    return err(httpFailure(reply.value.status, typeof body?.error === 'string' ? body.error : undefined));
  }
  return typeof body?.callId === 'string'
    ? ok({ providerMessageId: body.callId })
    : err({ type: 'permanent', reason: 'the bridge answered without a callId' });
}

export const voiceAdapter = {
  kind: 'voice',
  config: VoiceConfig,
  verify: (req, config) => secretMatches(header(req, VOICE_SECRET_HEADER), config.secret),
  parse: parseVoice,
  send: originate,
} satisfies ChannelAdapter<VoiceConfig>;
