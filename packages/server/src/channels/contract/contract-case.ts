// What each channel hands the adapter contract suite: recorded provider payloads, signed the way
// the provider signs them, the items they must parse to, and what a send must look like on the
// wire. Test support only; nothing in the hub imports it.
import { readFileSync } from 'node:fs';
import type { ChannelAdapter, Inbound, Outbound, RawWebhook } from '../channel-adapter.ts';
import { RECEIVED_AT_HEADER } from '../inbound.ts';

export type InboundCase = { name: string; request: RawWebhook; expected: Inbound[] };

export type SendCase = {
  message: Outbound;
  /** The request the provider must receive; headers are a subset, matched case-insensitively. */
  request: {
    method: string;
    path: string;
    headers: Record<string, string>;
    bodyType: 'json' | 'form';
    body: unknown;
  };
  /** The provider's documented answer to a successful send. */
  success: { status: number; body: unknown };
  providerMessageId: string;
  /** The provider's documented error body for an HTTP status. */
  errorBody(status: number): unknown;
};

export type ContractCase<Config> = {
  adapter: ChannelAdapter<Config>;
  /** The settings an admin would store, with the provider's base URL pointed at `peerUrl`. */
  config(peerUrl: string): unknown;
  /**
   * `body-signature`: the credential is a MAC of the body, so any change to the body fails.
   * `shared-secret`: a token compared as-is (the provider offers no signature); the body's
   * integrity then rests on TLS.
   */
  authentication: 'body-signature' | 'shared-secret';
  /** Where the credential travels, so the suite can remove or spoil it. */
  credential: { in: 'header' | 'query'; name: string };
  inbound: InboundCase[];
  send: SendCase;
};

/** When the inbox stored each fixture request; items without a provider timestamp get it. */
export const RECEIVED_AT = new Date('2026-01-15T08:30:00.000Z');

/** A fixture's exact bytes, so signatures are computed over what the provider sent. */
export function fixture(moduleUrl: string, name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, moduleUrl));
}

export function fixtureJson(moduleUrl: string, name: string): unknown {
  return JSON.parse(fixture(moduleUrl, name).toString('utf8')) as unknown;
}

export function webhook(parts: {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body: Buffer | string;
}): RawWebhook {
  const query: Record<string, string> = {};
  for (const [key, value] of new URL(parts.url, 'https://hub.example').searchParams) query[key] = value;
  return {
    method: parts.method ?? 'POST',
    url: parts.url,
    headers: { [RECEIVED_AT_HEADER]: RECEIVED_AT.toISOString(), ...parts.headers },
    query,
    rawBody: Buffer.isBuffer(parts.body) ? parts.body : Buffer.from(parts.body, 'utf8'),
  };
}

/** A recorded form post (Twilio, Kavenegar) as the provider encodes it. */
export function formEncode(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

/** A recorded JSON payload posted with a header that signs its bytes. */
export function signedJsonWebhook(parts: {
  moduleUrl: string;
  fixture: string;
  url: string;
  header: string;
  sign: (body: Buffer) => string;
}): RawWebhook {
  const body = fixture(parts.moduleUrl, parts.fixture);
  return webhook({
    url: parts.url,
    headers: { 'content-type': 'application/json', [parts.header]: parts.sign(body) },
    body,
  });
}
