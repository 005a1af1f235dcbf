// Every channel adapter, by kind. The mapped type makes the compiler check that each kind has
// an adapter, and that the adapter under a key really is of that kind.
import { apiAdapter } from './api/api.adapter.ts';
import { baleAdapter } from './bale/bale.adapter.ts';
import type { ChannelAdapter, ChannelKind } from './channel-adapter.ts';
import { instagramAdapter } from './instagram/instagram.adapter.ts';
import { messengerAdapter } from './messenger/messenger.adapter.ts';
import { kavenegarAdapter } from './sms/kavenegar/kavenegar.adapter.ts';
import { twilioAdapter } from './sms/twilio/twilio.adapter.ts';
import { telegramAdapter } from './telegram/telegram.adapter.ts';
import { voiceAdapter } from './voice/voice.adapter.ts';
import { whatsappAdapter } from './whatsapp/whatsapp.adapter.ts';
import { xAdapter } from './x/x.adapter.ts';

/** Kinds with an adapter here. When email and webchat land, this becomes ChannelKind itself. */
export type RegisteredChannelKind = Exclude<ChannelKind, 'email' | 'webchat'>;

export const channelAdapters = {
  // email: emailAdapter — from ./email/ (written alongside); add it here and drop it from the Exclude above.
  // webchat: webchatAdapter — the chat widget's adapter; same.
  sms_twilio: twilioAdapter,
  sms_kavenegar: kavenegarAdapter,
  whatsapp: whatsappAdapter,
  instagram: instagramAdapter,
  messenger: messengerAdapter,
  telegram: telegramAdapter,
  bale: baleAdapter,
  x: xAdapter,
  voice: voiceAdapter,
  api: apiAdapter,
} satisfies { [K in RegisteredChannelKind]: ChannelAdapter<unknown> & { kind: K } };

export type ChannelConfigOf<K extends RegisteredChannelKind> =
  (typeof channelAdapters)[K] extends ChannelAdapter<infer Config> ? Config : never;

export function isRegisteredChannelKind(kind: string): kind is RegisteredChannelKind {
  return Object.hasOwn(channelAdapters, kind);
}
