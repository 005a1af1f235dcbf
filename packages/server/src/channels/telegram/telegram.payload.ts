// The parts of a Bot API Update this adapter reads, as Telegram documents them (Bale sends the
// same objects).
import { z } from 'zod';

export const TelegramUser = z.object({
  id: z.number(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
export type TelegramUser = z.infer<typeof TelegramUser>;

const File = z.object({
  file_id: z.string(),
  file_unique_id: z.string().optional(),
  file_size: z.number().optional(),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});
export type TelegramFile = z.infer<typeof File>;

export const TelegramMessage = z.object({
  message_id: z.number(),
  from: TelegramUser.optional(),
  chat: z.object({ id: z.number(), type: z.string() }),
  date: z.number(),
  edit_date: z.number().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(File.extend({ width: z.number(), height: z.number() })).optional(),
  document: File.optional(),
  audio: File.optional(),
  video: File.optional(),
  voice: File.optional(),
  sticker: File.extend({ emoji: z.string().optional() }).optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
  contact: z
    .object({
      phone_number: z.string(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
      user_id: z.number().optional(),
    })
    .optional(),
  reply_to_message: z.object({ message_id: z.number() }).optional(),
});
export type TelegramMessage = z.infer<typeof TelegramMessage>;

export const TelegramUpdate = z.object({
  update_id: z.number(),
  message: TelegramMessage.optional(),
  edited_message: TelegramMessage.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: TelegramUser,
      message: TelegramMessage.optional(),
      data: z.string().optional(),
    })
    .optional(),
});
export type TelegramUpdate = z.infer<typeof TelegramUpdate>;
