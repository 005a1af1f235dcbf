// What WhatsApp, Messenger and Instagram share: Meta signs every webhook the same way, checks
// the callback URL with the same GET handshake, and wraps events in the same envelope.
import { z } from 'zod';
import type { RawWebhook } from '../channel-adapter.ts';
import { fromEpoch, header, receivedAt } from '../inbound.ts';
import { hmacMatches, secretMatches } from '../signatures.ts';

export const META_SIGNATURE_HEADER = 'x-hub-signature-256';
/** Meta retires a Graph API version two years after release; override per inbox when needed. */
export const DEFAULT_GRAPH_VERSION = 'v23.0';
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';

/** The settings every Meta channel has; each adapter adds its own ids. */
export const metaConfigShape = {
  /** App secret: the key of the X-Hub-Signature-256 HMAC. */
  appSecret: z.string().min(1),
  /** The token typed into the app dashboard; Meta echoes it in the GET handshake. */
  verifyToken: z.string().min(1),
  /** A long-lived Page / system-user token, sent as a bearer token. */
  accessToken: z.string().min(1),
  graphVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default(DEFAULT_GRAPH_VERSION),
  baseUrl: z.url().default(DEFAULT_GRAPH_BASE_URL),
};

/** X-Hub-Signature-256 is `sha256=` and the hex HMAC-SHA256 of the raw body under the app secret. */
export function verifyMetaSignature(req: RawWebhook, appSecret: string): boolean {
  return hmacMatches({
    algorithm: 'sha256',
    encoding: 'hex',
    secret: appSecret,
    payload: req.rawBody,
    signature: header(req, META_SIGNATURE_HEADER),
    prefix: 'sha256=',
  });
}

/**
 * Meta's callback-URL check: a GET with hub.mode=subscribe, hub.verify_token and hub.challenge.
 * Returns the challenge to echo as the plain-text body, or null to answer 403.
 */
export function metaSubscriptionChallenge(req: RawWebhook, verifyToken: string): string | null {
  if (req.method.toUpperCase() !== 'GET' || req.query['hub.mode'] !== 'subscribe') return null;
  const challenge = req.query['hub.challenge'];
  if (challenge === undefined || !secretMatches(req.query['hub.verify_token'], verifyToken)) return null;
  return challenge;
}

export const MetaChange = z.object({ field: z.string(), value: z.unknown() });

/** Both Page/Instagram webhooks: entries carrying `messaging` events, `changes`, or both. */
export const MetaEnvelope = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      id: z.string(),
      /** Absent from WhatsApp entries; seconds or milliseconds elsewhere. */
      time: z.number().optional(),
      messaging: z.array(z.unknown()).optional(),
      changes: z.array(MetaChange).optional(),
    }),
  ),
});
export type MetaEnvelope = z.infer<typeof MetaEnvelope>;
export type MetaEntry = MetaEnvelope['entry'][number];

/** When Meta sent the entry, for events that carry no time of their own. */
export function entryTime(entry: MetaEntry, req: RawWebhook): Date {
  return entry.time !== undefined ? fromEpoch(entry.time) : receivedAt(req);
}
