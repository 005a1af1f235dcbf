// Instagram professional account: direct messages (entry[].messaging[], shared with Messenger)
// and comments on the account's media (entry[].changes[] with field "comments" or
// "live_comments"). A reply to a comment goes to `/{ig-comment-id}/replies`.
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { normalizeIdentifier, type Identifier } from '../../core/identifiers.ts';
import type { ChannelAdapter, Inbound, Outbound, ParseError, RawWebhook } from '../channel-adapter.ts';
import { unreadableSuccess, type SendResult } from '../http.ts';
import { parseJsonBody, validate } from '../inbound.ts';
import { graphPost, stringField } from '../meta/meta-graph.ts';
import { MessagingEvent, readMessagingEvent, sendApiBody } from '../meta/meta-messaging.ts';
import {
  MetaEnvelope,
  metaConfigShape,
  entryTime,
  verifyMetaSignature,
  type MetaEntry,
} from '../meta/meta-webhook.ts';
import { textWithAttachmentLinks } from '../outbound.ts';

export const InstagramConfig = z.object({
  ...metaConfigShape,
  /**
   * Where direct replies are sent: `/{accountId}/messages`. The linked Page id with Facebook
   * Login, the Instagram account id with Instagram Login (then set baseUrl to
   * https://graph.instagram.com); `me` lets the token decide.
   */
  accountId: z.string().min(1).default('me'),
});
export type InstagramConfig = z.infer<typeof InstagramConfig>;

const CommentValue = z.object({
  id: z.string(),
  text: z.string().optional(),
  from: z.object({ id: z.string(), username: z.string().optional() }),
  media: z.object({ id: z.string(), media_product_type: z.string().optional() }),
  parent_id: z.string().optional(),
});

const COMMENT_FIELDS = new Set(['comments', 'live_comments']);

function readComment(value: z.infer<typeof CommentValue>, entry: MetaEntry, entryAt: Date): Inbound[] {
  // Our own replies come back as comments by the account itself.
  if (value.from.id === entry.id) return [];
  const identifiers: Identifier[] = [{ type: 'instagram', value: value.from.id }];
  const username = value.from.username && normalizeIdentifier('instagram', value.from.username);
  if (username) identifiers.push({ type: 'instagram', value: username });
  return [
    {
      kind: 'message',
      providerMessageId: value.id,
      threadKey: `post:${value.media.id}:${value.from.id}`,
      from: { identifiers, ...(value.from.username ? { name: value.from.username } : {}) },
      text: value.text ?? '',
      attachments: [],
      // Comment notifications carry no time of their own; the entry's is when Meta sent it.
      sentAt: entryAt,
      ...(value.parent_id !== undefined ? { inReplyTo: value.parent_id } : {}),
      publicPost: { postId: value.media.id, commentId: value.id },
    },
  ];
}

function parseInstagram(raw: unknown, req: RawWebhook): Result<Inbound[], ParseError> {
  const envelope = validate(MetaEnvelope, raw, 'Instagram webhook');
  if (envelope.isErr()) return err(envelope.error);
  if (envelope.value.object !== 'instagram') {
    return err({
      type: 'unparseable',
      reason: `expected object "instagram", got "${envelope.value.object}"`,
    });
  }
  const items: Inbound[] = [];
  for (const entry of envelope.value.entry) {
    for (const rawEvent of entry.messaging ?? []) {
      const event = validate(MessagingEvent, rawEvent, 'messaging event');
      if (event.isErr()) return err(event.error);
      items.push(...readMessagingEvent(event.value, 'instagram', entryTime(entry, req)));
    }
    for (const change of entry.changes ?? []) {
      // `mentions` carry only ids (the text needs a Graph call), so they are not read here.
      if (!COMMENT_FIELDS.has(change.field)) continue;
      const value = validate(CommentValue, change.value, 'comment change');
      if (value.isErr()) return err(value.error);
      items.push(...readComment(value.value, entry, entryTime(entry, req)));
    }
  }
  return ok(items);
}

async function sendInstagram(message: Outbound, config: InstagramConfig): Promise<SendResult> {
  const text = textWithAttachmentLinks(message);
  if (text.isErr()) return err(text.error);
  if (message.publicPost !== undefined) {
    const reply = await graphPost(config, `${message.publicPost.commentId}/replies`, { message: text.value });
    if (reply.isErr()) return err(reply.error);
    const id = stringField(reply.value.json, 'id');
    return id === undefined
      ? err(unreadableSuccess('Instagram', reply.value))
      : ok({ providerMessageId: id });
  }
  if (message.to.type !== 'instagram' || !/^\d+$/.test(message.to.value)) {
    // A username cannot be messaged: the Send API needs the person's Instagram-scoped id.
    return err({
      type: 'permanent',
      reason: `Instagram needs the person's scoped id, not "${message.to.value}"`,
    });
  }
  const reply = await graphPost(
    config,
    `${config.accountId}/messages`,
    sendApiBody(message.to.value, text.value),
  );
  if (reply.isErr()) return err(reply.error);
  const id = stringField(reply.value.json, 'message_id');
  return id === undefined ? err(unreadableSuccess('Instagram', reply.value)) : ok({ providerMessageId: id });
}

export const instagramAdapter = {
  kind: 'instagram',
  config: InstagramConfig,
  verify: (req, config) => verifyMetaSignature(req, config.appSecret),
  parse: (req, _config) => parseJsonBody(req).andThen((raw) => parseInstagram(raw, req)),
  send: sendInstagram,
} satisfies ChannelAdapter<InstagramConfig>;
