// The WhatsApp Cloud API webhook as Meta documents it: entry[].changes[] with field "messages",
// whose value carries inbound `messages` and the `statuses` of what we sent.
import { z } from 'zod';

const Media = z.object({
  id: z.string(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});
export type WhatsAppMedia = z.infer<typeof Media>;

export const WhatsAppMessage = z.object({
  from: z.string(),
  id: z.string(),
  timestamp: z.string(),
  type: z.string(),
  context: z.object({ from: z.string().optional(), id: z.string().optional() }).optional(),
  text: z.object({ body: z.string() }).optional(),
  image: Media.optional(),
  document: Media.optional(),
  audio: Media.optional(),
  video: Media.optional(),
  sticker: Media.optional(),
  location: z
    .object({
      latitude: z.number(),
      longitude: z.number(),
      name: z.string().optional(),
      address: z.string().optional(),
    })
    .optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z
        .object({ id: z.string(), title: z.string(), description: z.string().optional() })
        .optional(),
    })
    .optional(),
  /** A quick-reply button of a template message. */
  button: z.object({ text: z.string(), payload: z.string().optional() }).optional(),
});
export type WhatsAppMessage = z.infer<typeof WhatsAppMessage>;

export const WhatsAppStatus = z.object({
  id: z.string(),
  status: z.string(),
  timestamp: z.string(),
  recipient_id: z.string().optional(),
  errors: z
    .array(
      z.object({
        code: z.number(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string() }).optional(),
      }),
    )
    .optional(),
});
export type WhatsAppStatus = z.infer<typeof WhatsAppStatus>;

export const WhatsAppValue = z.object({
  metadata: z.object({ display_phone_number: z.string().optional(), phone_number_id: z.string() }),
  contacts: z
    .array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string() }).optional() }))
    .optional(),
  messages: z.array(WhatsAppMessage).optional(),
  statuses: z.array(WhatsAppStatus).optional(),
});
export type WhatsAppValue = z.infer<typeof WhatsAppValue>;
