// X (Twitter) Account Activity API: direct messages and mentions of the subscribed account.
// Replies go back as a DM (POST /2/dm_conversations/with/{id}/messages) or, for a public
// mention, as a reply tweet (POST /2/tweets with reply.in_reply_to_tweet_id).
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { normalizeIdentifier, type Identifier } from '../../core/identifiers.ts';
import type {
  ChannelAdapter,
  Inbound,
  Outbound,
  ParseError,
  RawWebhook,
  Sender,
} from '../channel-adapter.ts';
import {
  callProvider,
  httpFailure,
  isSuccess,
  joinUrl,
  unreadableSuccess,
  type SendResult,
} from '../http.ts';
import { fromEpoch, header, parseJsonBody, validate } from '../inbound.ts';
import { textWithAttachmentLinks } from '../outbound.ts';
import { hmacDigest, hmacMatches } from '../signatures.ts';
import { XActivity, type XDirectMessageEvent, type XTweet, type XUser } from './x.payload.ts';

export const X_SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

export const XConfig = z.object({
  /** The app's API secret (consumer secret): the key of both the CRC answer and the signature. */
  consumerSecret: z.string().min(1),
  /** OAuth 2.0 user-context token of the subscribed account, with dm.write and tweet.write. */
  accessToken: z.string().min(1),
  /** The subscribed account's user id: events for other accounts on the same webhook are skipped. */
  accountId: z.string().regex(/^\d+$/),
  baseUrl: z.url().default('https://api.x.com'),
});
export type XConfig = z.infer<typeof XConfig>;

/** The answer to X's CRC check (GET ?crc_token=…): `sha256=` and the base64 HMAC-SHA256 of the token. */
export function xCrcResponse(crcToken: string, consumerSecret: string): { response_token: string } {
  return { response_token: `sha256=${hmacDigest('sha256', consumerSecret, crcToken, 'base64')}` };
}

function verifyX(req: RawWebhook, config: XConfig): boolean {
  return hmacMatches({
    algorithm: 'sha256',
    encoding: 'base64',
    secret: config.consumerSecret,
    payload: req.rawBody,
    signature: header(req, X_SIGNATURE_HEADER),
    prefix: 'sha256=',
  });
}

function senderOf(userId: string, user: XUser | undefined): Sender {
  const identifiers: Identifier[] = [{ type: 'twitter', value: userId }];
  const handle = user?.screen_name && normalizeIdentifier('twitter', user.screen_name);
  if (handle) identifiers.push({ type: 'twitter', value: handle });
  return { identifiers, ...(user?.name ? { name: user.name } : {}) };
}

function readDirectMessage(event: XDirectMessageEvent, activity: XActivity): Inbound[] {
  const create = event.message_create;
  // Our own sends come back as events of the subscribed account.
  if (event.type !== 'message_create' || create === undefined || create.sender_id === activity.for_user_id) {
    return [];
  }
  const media = create.message_data.attachment?.media?.media_url_https;
  return [
    {
      kind: 'message',
      providerMessageId: event.id,
      threadKey: `dm:${create.sender_id}`,
      from: senderOf(create.sender_id, activity.users?.[create.sender_id]),
      text: create.message_data.text ?? '',
      attachments: media
        ? [{ filename: media.split('/').pop() ?? 'media', contentType: 'image/*', size: 0, url: media }]
        : [],
      sentAt: fromEpoch(event.created_timestamp),
    },
  ];
}

function readTweet(tweet: XTweet, accountId: string): Inbound[] {
  if (tweet.user.id_str === accountId) return [];
  const mentionsUs = tweet.entities?.user_mentions?.some((mention) => mention.id_str === accountId) ?? false;
  // The stream also carries the account's own tweets and retweets: only people talking to us count.
  if (!mentionsUs && tweet.in_reply_to_user_id_str !== accountId) return [];
  const postId = tweet.in_reply_to_status_id_str ?? tweet.id_str;
  return [
    {
      kind: 'message',
      providerMessageId: tweet.id_str,
      threadKey: `post:${postId}:${tweet.user.id_str}`,
      from: senderOf(tweet.user.id_str, tweet.user),
      text: tweet.extended_tweet?.full_text ?? tweet.text ?? '',
      attachments: [],
      sentAt: new Date(tweet.created_at),
      ...(tweet.in_reply_to_status_id_str ? { inReplyTo: tweet.in_reply_to_status_id_str } : {}),
      publicPost: { postId, commentId: tweet.id_str },
    },
  ];
}

function parseX(raw: unknown, config: XConfig): Result<Inbound[], ParseError> {
  const activity = validate(XActivity, raw, 'Account Activity event');
  if (activity.isErr()) return err(activity.error);
  if (activity.value.for_user_id !== config.accountId) return ok([]);
  return ok([
    ...(activity.value.direct_message_events ?? []).flatMap((event) =>
      readDirectMessage(event, activity.value),
    ),
    ...(activity.value.tweet_create_events ?? []).flatMap((tweet) => readTweet(tweet, config.accountId)),
  ]);
}

function errorReason(json: unknown): string | undefined {
  const body = json as { detail?: unknown; title?: unknown; errors?: { message?: unknown }[] } | null;
  const first = body?.errors?.[0]?.message;
  for (const candidate of [body?.detail, first, body?.title]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  return undefined;
}

function dmParticipant(message: Outbound): string | null {
  const fromThread = /^dm:(\d+)$/.exec(message.threadKey)?.[1];
  if (fromThread !== undefined) return fromThread;
  return message.to.type === 'twitter' && /^\d+$/.test(message.to.value) ? message.to.value : null;
}

async function sendX(message: Outbound, config: XConfig): Promise<SendResult> {
  const text = textWithAttachmentLinks(message);
  if (text.isErr()) return err(text.error);
  let path: string;
  let body: unknown;
  if (message.publicPost !== undefined) {
    path = '2/tweets';
    body = { text: text.value, reply: { in_reply_to_tweet_id: message.publicPost.commentId } };
  } else {
    const participant = dmParticipant(message);
    if (participant === null) {
      return err({
        type: 'permanent',
        reason: `X direct messages need a user id, not "${message.to.value}"`,
      });
    }
    path = `2/dm_conversations/with/${participant}/messages`;
    body = { text: text.value };
  }
  const reply = await callProvider({
    method: 'POST',
    url: joinUrl(config.baseUrl, path),
    headers: { authorization: `Bearer ${config.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (reply.isErr()) return err(reply.error);
  if (!isSuccess(reply.value.status))
    return err(httpFailure(reply.value.status, errorReason(reply.value.json)));
  const data = (reply.value.json as { data?: { id?: unknown; dm_event_id?: unknown } } | null)?.data;
  const id = message.publicPost !== undefined ? data?.id : data?.dm_event_id;
  return typeof id === 'string' ? ok({ providerMessageId: id }) : err(unreadableSuccess('X', reply.value));
}

export const xAdapter = {
  kind: 'x',
  config: XConfig,
  verify: verifyX,
  parse: (req, config) => parseJsonBody(req).andThen((raw) => parseX(raw, config)),
  send: sendX,
} satisfies ChannelAdapter<XConfig>;
