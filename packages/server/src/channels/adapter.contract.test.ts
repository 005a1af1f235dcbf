// One contract for every registered channel adapter, run over recorded provider payloads:
// signatures are checked, payloads parse to the expected items, and `send` speaks the provider's
// documented HTTP to a real local server and classifies its failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelAdapter, RawWebhook } from './channel-adapter.ts';
import type { ContractCase } from './contract/contract-case.ts';
import { contractCases } from './contract/contract-cases.ts';
import { startHttpPeer, unusedUrl, type HttpPeer } from './contract/http-peer.ts';
import { channelAdapters } from './registry.ts';

// The cases are typed per kind; the suite only needs them as one shape.
const cases = Object.entries(contractCases) as [string, ContractCase<unknown>][];

function withoutCredential(c: ContractCase<unknown>, req: RawWebhook): RawWebhook {
  const name = c.credential.name.toLowerCase();
  if (c.credential.in === 'query') {
    return { ...req, query: Object.fromEntries(Object.entries(req.query).filter(([k]) => k !== name)) };
  }
  return {
    ...req,
    headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.toLowerCase() !== name)),
  };
}

function withWrongCredential(c: ContractCase<unknown>, req: RawWebhook): RawWebhook {
  const stripped = withoutCredential(c, req);
  const wrong = 'sha256=0000000000000000000000000000000000000000000000000000000000000000';
  return c.credential.in === 'query'
    ? { ...stripped, query: { ...stripped.query, [c.credential.name]: wrong } }
    : { ...stripped, headers: { ...stripped.headers, [c.credential.name]: wrong } };
}

/** Changes one letter in the second half of the body: what an attacker editing a payload does. */
function tampered(req: RawWebhook): RawWebhook {
  const body = Buffer.from(req.rawBody);
  for (let i = Math.floor(body.length / 2); i < body.length; i++) {
    const byte = body[i] ?? 0;
    if ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)) {
      body[i] = byte === 0x78 ? 0x79 : 0x78;
      return { ...req, rawBody: body };
    }
  }
  throw new Error('no letter to tamper with in the fixture body');
}

function recordedBody(type: 'json' | 'form', body: string): unknown {
  if (type === 'json') return JSON.parse(body) as unknown;
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const previous = params[key];
    params[key] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return params;
}

describe('the adapter registry', () => {
  it('registers each adapter under its own kind and gives each a contract case', () => {
    for (const [kind, adapter] of Object.entries(channelAdapters)) {
      expect(adapter.kind).toBe(kind);
      expect(Object.keys(contractCases)).toContain(kind);
    }
  });
});

describe.each(cases)('the %s adapter', (_kind, c) => {
  const adapter: ChannelAdapter<unknown> = c.adapter;
  let peer: HttpPeer;
  let config: unknown;

  beforeAll(async () => {
    peer = await startHttpPeer();
    config = adapter.config.parse(c.config(peer.url));
  });
  afterAll(async () => {
    await peer.close();
  });

  it.each(c.inbound)('verifies a correctly signed request: $name', ({ request }) => {
    expect(adapter.verify(request, config)).toBe(true);
  });

  it.each(c.inbound)('refuses the request without its credential: $name', ({ request }) => {
    expect(adapter.verify(withoutCredential(c, request), config)).toBe(false);
  });

  it.each(c.inbound)('refuses the request with a wrong credential: $name', ({ request }) => {
    expect(adapter.verify(withWrongCredential(c, request), config)).toBe(false);
  });

  it.runIf(c.authentication === 'body-signature').each(c.inbound)(
    'refuses a tampered body: $name',
    ({ request }) => {
      expect(adapter.verify(tampered(request), config)).toBe(false);
    },
  );

  it.each(c.inbound)('parses the recorded payload to the expected items: $name', ({ request, expected }) => {
    const parsed = adapter.parse(request, config);
    expect(
      parsed.match(
        (items) => items,
        (error) => error,
      ),
    ).toEqual(expected);
  });

  it('reports a body it cannot read as unparseable rather than throwing', () => {
    const [first] = c.inbound;
    if (first === undefined) throw new Error('a contract case needs at least one inbound request');
    const garbage = {
      ...first.request,
      rawBody: Buffer.from('{"not": "what the provider sends"'),
      query: {},
    };
    const parsed = adapter.parse(garbage, config);
    expect(parsed.isErr() || parsed._unsafeUnwrap().length === 0).toBe(true);
  });

  it('sends with the documented method, path, headers and body', async () => {
    peer.requests.length = 0;
    peer.answer(c.send.success.status, c.send.success.body);
    const sent = await adapter.send(c.send.message, config);
    expect(sent._unsafeUnwrap()).toEqual({ providerMessageId: c.send.providerMessageId });
    expect(peer.requests).toHaveLength(1);
    const [request] = peer.requests;
    expect(request?.method).toBe(c.send.request.method);
    expect(request?.path).toBe(c.send.request.path);
    for (const [name, value] of Object.entries(c.send.request.headers)) {
      expect(request?.headers[name.toLowerCase()], name).toBe(value);
    }
    expect(recordedBody(c.send.request.bodyType, request?.body ?? '')).toEqual(c.send.request.body);
  });

  it.each([
    [500, 'transient'],
    [429, 'transient'],
    [401, 'auth'],
    [400, 'permanent'],
  ] as const)('maps an HTTP %i answer to a %s failure with the provider reason', async (status, type) => {
    peer.answer(status, c.send.errorBody(status));
    const sent = await adapter.send(c.send.message, config);
    const failure = sent._unsafeUnwrapErr();
    expect(failure.type).toBe(type);
    expect(failure.reason).not.toBe('');
  });

  it('maps an unreachable provider to a transient failure', async () => {
    const offline = adapter.config.parse(c.config(await unusedUrl()));
    const sent = await adapter.send(c.send.message, offline);
    expect(sent._unsafeUnwrapErr().type).toBe('transient');
  });
});
