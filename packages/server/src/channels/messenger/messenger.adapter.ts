// Facebook Page: Messenger conversations (entry[].messaging[]) and comments on the Page's posts
// (entry[].changes[] with field "feed"). Comments become messages with `publicPost`, and a
// reply to one goes back as a comment, not as a private message.
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import type { ChannelAdapter, Inbound, Outbound, ParseError, RawWebhook } from '../channel-adapter.ts';
import { unreadableSuccess, type SendResult } from '../http.ts';
import { fromEpoch, parseJsonBody, validate } from '../inbound.ts';
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

export const MessengerConfig = z.object({
  ...metaConfigShape,
  /** The Page id: direct replies go to `/{pageId}/messages`, and the Page's own comments are skipped. */
  pageId: z.string().min(1),
});
export type MessengerConfig = z.infer<typeof MessengerConfig>;

const FeedValue = z.object({
  item: z.string(),
  verb: z.string(),
  from: z.object({ id: z.string(), name: z.string().optional() }).optional(),
  post_id: z.string().optional(),
  comment_id: z.string().optional(),
  parent_id: z.string().optional(),
  message: z.string().optional(),
  photo: z.string().optional(),
  created_time: z.number().optional(),
});

// A visitor's own post on the Page is answered the same way as a comment: by commenting on it.
const VISITOR_POST_ITEMS = new Set(['post', 'status', 'photo', 'video']);

function readFeedChange(value: z.infer<typeof FeedValue>, entry: MetaEntry, entryAt: Date): Inbound[] {
  const { from, post_id: postId } = value;
  if (value.verb !== 'add' || from === undefined || postId === undefined || from.id === entry.id) return [];
  const isComment = value.item === 'comment' && value.comment_id !== undefined;
  if (!isComment && !VISITOR_POST_ITEMS.has(value.item)) return [];
  const commentId = isComment ? (value.comment_id ?? postId) : postId;
  const name = from.name;
  return [
    {
      kind: 'message',
      providerMessageId: commentId,
      // One person's comments under one post are one conversation.
      threadKey: `post:${postId}:${from.id}`,
      from: {
        identifiers: [{ type: 'messenger', value: from.id }],
        ...(name !== undefined ? { name } : {}),
      },
      text: value.message ?? '',
      attachments:
        value.photo !== undefined
          ? [{ filename: 'photo', contentType: 'image/*', size: 0, url: value.photo }]
          : [],
      sentAt: value.created_time !== undefined ? fromEpoch(value.created_time) : entryAt,
      ...(isComment && value.parent_id !== undefined && value.parent_id !== postId
        ? { inReplyTo: value.parent_id }
        : {}),
      publicPost: { postId, commentId },
    },
  ];
}

function parseMessenger(raw: unknown, req: RawWebhook): Result<Inbound[], ParseError> {
  const envelope = validate(MetaEnvelope, raw, 'Page webhook');
  if (envelope.isErr()) return err(envelope.error);
  if (envelope.value.object !== 'page') {
    return err({ type: 'unparseable', reason: `expected object "page", got "${envelope.value.object}"` });
  }
  const items: Inbound[] = [];
  for (const entry of envelope.value.entry) {
    for (const rawEvent of entry.messaging ?? []) {
      const event = validate(MessagingEvent, rawEvent, 'messaging event');
      if (event.isErr()) return err(event.error);
      items.push(...readMessagingEvent(event.value, 'messenger', entryTime(entry, req)));
    }
    for (const change of entry.changes ?? []) {
      if (change.field !== 'feed') continue;
      const value = validate(FeedValue, change.value, 'feed change');
      if (value.isErr()) return err(value.error);
      items.push(...readFeedChange(value.value, entry, entryTime(entry, req)));
    }
  }
  return ok(items);
}

async function sendMessenger(message: Outbound, config: MessengerConfig): Promise<SendResult> {
  const text = textWithAttachmentLinks(message);
  if (text.isErr()) return err(text.error);
  if (message.publicPost !== undefined) {
    const reply = await graphPost(config, `${message.publicPost.commentId}/comments`, {
      message: text.value,
    });
    if (reply.isErr()) return err(reply.error);
    const id = stringField(reply.value.json, 'id');
    return id === undefined ? err(unreadableSuccess('Facebook', reply.value)) : ok({ providerMessageId: id });
  }
  if (message.to.type !== 'messenger') {
    return err({ type: 'permanent', reason: `Messenger cannot send to a ${message.to.type} identifier` });
  }
  const reply = await graphPost(
    config,
    `${config.pageId}/messages`,
    sendApiBody(message.to.value, text.value),
  );
  if (reply.isErr()) return err(reply.error);
  const id = stringField(reply.value.json, 'message_id');
  return id === undefined ? err(unreadableSuccess('Messenger', reply.value)) : ok({ providerMessageId: id });
}

export const messengerAdapter = {
  kind: 'messenger',
  config: MessengerConfig,
  verify: (req, config) => verifyMetaSignature(req, config.appSecret),
  parse: (req, _config) => parseJsonBody(req).andThen((raw) => parseMessenger(raw, req)),
  send: sendMessenger,
} satisfies ChannelAdapter<MessengerConfig>;
