// Some providers check a webhook URL before (and while) using it and want an answer body:
// Meta's hub.challenge and X's CRC. ChannelAdapter has no method whose result is a reply
// (verify is a boolean, parse yields items), so the webhook route asks here first.
import { assertUnreachable } from '../core/assert-unreachable.ts';
import type { RawWebhook } from './channel-adapter.ts';
import { metaSubscriptionChallenge } from './meta/meta-webhook.ts';
import { channelAdapters, type RegisteredChannelKind } from './registry.ts';
import { xCrcResponse } from './x/x.adapter.ts';

export type HandshakeReply = { status: number; contentType: string; body: string };

const REFUSED: HandshakeReply = { status: 403, contentType: 'text/plain', body: 'forbidden' };

function metaHandshake(req: RawWebhook, verifyToken: string | undefined): HandshakeReply | null {
  if (req.method.toUpperCase() !== 'GET' || req.query['hub.mode'] === undefined) return null;
  const challenge = verifyToken === undefined ? null : metaSubscriptionChallenge(req, verifyToken);
  return challenge === null ? REFUSED : { status: 200, contentType: 'text/plain', body: challenge };
}

/**
 * The reply to a provider's URL check, or null when the request is not one (then the route
 * verifies it and stores it as a webhook). `config` is the inbox's stored configuration.
 */
export function answerHandshake(
  kind: RegisteredChannelKind,
  req: RawWebhook,
  config: unknown,
): HandshakeReply | null {
  switch (kind) {
    case 'whatsapp':
    case 'messenger':
    case 'instagram': {
      const parsed = channelAdapters[kind].config.safeParse(config);
      return metaHandshake(req, parsed.success ? parsed.data.verifyToken : undefined);
    }
    case 'x': {
      const crcToken = req.query['crc_token'];
      if (req.method.toUpperCase() !== 'GET' || crcToken === undefined) return null;
      const parsed = channelAdapters.x.config.safeParse(config);
      if (!parsed.success) return REFUSED;
      return {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(xCrcResponse(crcToken, parsed.data.consumerSecret)),
      };
    }
    case 'sms_twilio':
    case 'sms_kavenegar':
    case 'telegram':
    case 'bale':
    case 'voice':
    case 'api':
      return null;
    default:
      return assertUnreachable(kind);
  }
}
