// Account Activity API events as X documents them: `direct_message_events` (with the `users`
// they mention) and `tweet_create_events` (v1.1 Tweet objects), for the subscribed `for_user_id`.
import { z } from 'zod';

const XUser = z.object({
  id_str: z.string().optional(),
  name: z.string().optional(),
  screen_name: z.string().optional(),
});
export type XUser = z.infer<typeof XUser>;

export const XDirectMessageEvent = z.object({
  type: z.string(),
  id: z.string(),
  created_timestamp: z.string(),
  message_create: z
    .object({
      target: z.object({ recipient_id: z.string() }),
      sender_id: z.string(),
      message_data: z.object({
        text: z.string().optional(),
        attachment: z
          .object({
            type: z.string(),
            media: z
              .object({ media_url_https: z.string().optional(), type: z.string().optional() })
              .optional(),
          })
          .optional(),
      }),
    })
    .optional(),
});
export type XDirectMessageEvent = z.infer<typeof XDirectMessageEvent>;

export const XTweet = z.object({
  created_at: z.string(),
  id_str: z.string(),
  text: z.string().optional(),
  extended_tweet: z.object({ full_text: z.string() }).optional(),
  user: XUser.extend({ id_str: z.string() }),
  in_reply_to_status_id_str: z.string().nullish(),
  in_reply_to_user_id_str: z.string().nullish(),
  entities: z.object({ user_mentions: z.array(z.object({ id_str: z.string() })).optional() }).optional(),
});
export type XTweet = z.infer<typeof XTweet>;

export const XActivity = z.object({
  for_user_id: z.string(),
  direct_message_events: z.array(XDirectMessageEvent).optional(),
  users: z.record(z.string(), XUser).optional(),
  tweet_create_events: z.array(XTweet).optional(),
});
export type XActivity = z.infer<typeof XActivity>;
