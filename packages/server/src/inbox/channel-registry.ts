// Where the inbox finds each channel's adapter. The channel modules register theirs in
// channels/registry.ts; web chat's lives in webchat/; tests add their own.
import { CHANNEL_KINDS, type ChannelAdapter, type ChannelKind } from '../channels/channel-adapter.ts';
import { emailAdapter } from '../channels/email/email-adapter.ts';
import { channelAdapters } from '../channels/registry.ts';

export type AnyAdapter = ChannelAdapter<unknown>;
export type AdapterRegistry = Map<ChannelKind, AnyAdapter>;

export function isChannelKind(value: string): value is ChannelKind {
  return (CHANNEL_KINDS as readonly string[]).includes(value);
}

/** Every adapter of channels/registry.ts (web chat's is added by webchat/ as the desk starts). */
export function loadChannelAdapters(): AdapterRegistry {
  const registry: AdapterRegistry = new Map();
  for (const adapter of Object.values(channelAdapters)) registry.set(adapter.kind, adapter as AnyAdapter);
  // Until channels/registry.ts lists e-mail itself.
  if (!registry.has('email')) registry.set('email', emailAdapter as AnyAdapter);
  return registry;
}
