// Test helpers for the service desk: a hub with fast retries, a local HTTP peer that records
// what the hub sends, a signed test channel adapter, and waiting for asynchronous work.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { err, ok } from 'neverthrow';
import pg from 'pg';
import { z } from 'zod';
import { buildApp } from '../../app.ts';
import type { ChannelAdapter, ChannelKind, Inbound } from '../../channels/channel-adapter.ts';
import type { Identifier } from '../../core/identifiers.ts';
import { createLogger } from '../../core/logger.ts';
import { openDatabase, type OpenedDatabase } from '../../db/open-database.ts';
import type { TestHub } from '../../test-support/test-hub.ts';
import type { ServiceDeskOptions } from '../service-desk.ts';

/** Like startTestHub (PGlite, or a fresh PostgreSQL database with TEST_DATABASE_URL) with desk options. */
export async function startDeskHub(desk: ServiceDeskOptions = {}): Promise<TestHub> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  let drop: (() => Promise<void>) | null = null;
  let database: OpenedDatabase;
  if (serverUrl) {
    const name = `pishkhan_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    database = await openDatabase({ databaseUrl: url.toString() });
    drop = async () => {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    };
  } else {
    database = await openDatabase({ inMemory: true });
  }
  const built = await buildApp({
    db: database.db,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    ingestFlushMs: 1,
    desk: { jobPollMs: 20, backoffMs: () => 30, ...desk },
  });
  return {
    ...built,
    database,
    async stop() {
      await built.close();
      await database.close();
      await drop?.();
    },
  };
}

export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export type RecordedRequest = {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
};

/** A provider stand-in: records every request; `respond` decides each answer (200 by default). */
export async function startPeer(
  respond: (req: RecordedRequest, n: number) => { status: number; body: unknown } = (_r, n) => ({
    status: 200,
    body: { id: `peer-${n}` },
  }),
): Promise<{ url: string; requests: RecordedRequest[]; server: Server; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = respond(recorded, requests.length);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const TestConfig = z.object({ secret: z.string().min(8), peerUrl: z.string().url() });
type TestConfig = z.infer<typeof TestConfig>;

export type TestPayload = {
  messages?: {
    id: string;
    from: Identifier[];
    name?: string;
    text: string;
    thread?: string;
    subject?: string;
  }[];
  receipts?: { id: string; status: 'delivered' | 'read' | 'failed' }[];
  calls?: { id: string; from: Identifier[]; state: 'ringing' | 'answered' | 'hangup'; extension?: string }[];
};

/** Desk hours open around the clock, every day: tests and benches that must not depend on the time of day. */
export const ALWAYS_OPEN = Object.fromEntries(
  ['sat', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['00:00', '24:00']]]),
);

export const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

/**
 * A small signed channel for tests (posing as a channel kind): HMAC header, JSON payload, and
 * sends to a local peer whose HTTP status maps to the failure classes (5xx transient, 401 auth).
 */
export function testAdapter(kind: ChannelKind = 'api'): ChannelAdapter<TestConfig> {
  return {
    kind,
    config: TestConfig,
    verify(req, config) {
      const given = Buffer.from(req.headers['x-test-signature'] ?? '');
      const expected = Buffer.from(sign(config.secret, req.rawBody.toString('utf8')));
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    parse(req) {
      let payload: TestPayload;
      try {
        payload = JSON.parse(req.rawBody.toString('utf8')) as TestPayload;
      } catch {
        return err({ type: 'unparseable', reason: 'body is not JSON' });
      }
      if (!payload || typeof payload !== 'object')
        return err({ type: 'unparseable', reason: 'body is not an object' });
      const items: Inbound[] = [];
      for (const m of payload.messages ?? [])
        items.push({
          kind: 'message',
          providerMessageId: m.id,
          threadKey: m.thread ?? `${m.from[0]?.type}:${m.from[0]?.value}`,
          from: { identifiers: m.from, ...(m.name ? { name: m.name } : {}) },
          text: m.text,
          attachments: [],
          sentAt: new Date(),
          ...(m.subject ? { subject: m.subject } : {}),
        } as Inbound);
      for (const r of payload.receipts ?? [])
        items.push({ kind: 'receipt', providerMessageId: r.id, status: r.status, at: new Date() });
      for (const c of payload.calls ?? [])
        items.push({
          kind: 'call',
          callId: c.id,
          from: { identifiers: c.from },
          state: c.state,
          at: new Date(),
          ...(c.extension ? { agentExtension: c.extension } : {}),
        });
      return ok(items);
    },
    async send(message, config) {
      let response: Response;
      try {
        response = await fetch(`${config.peerUrl}/send`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            to: message.to,
            text: message.text,
            ref: message.messageId,
            subject: message.subject ?? null,
          }),
        });
      } catch (cause) {
        return err({ type: 'transient', reason: `network: ${String(cause)}` });
      }
      const body = (await response.json().catch(() => ({}))) as { id?: string; error?: string };
      if (response.ok) return ok({ providerMessageId: body.id ?? message.messageId });
      const reason = body.error ?? `HTTP ${response.status}`;
      if (response.status >= 500) return err({ type: 'transient', reason });
      if (response.status === 401) return err({ type: 'auth', reason });
      return err({ type: 'permanent', reason });
    },
  };
}

/**
 * The usual desk of a test: an `api` inbox signed with `secret` that sends to `peerUrl`, and the
 * workspace's desk open around the clock (plus `settings`). The inbox's id. Throws, with the
 * hub's answer, when either is refused (this module serves benches too, outside vitest).
 */
export async function openApiDesk(
  hub: TestHub,
  token: string,
  input: { secret: string; peerUrl: string; name?: string; settings?: Record<string, unknown> },
): Promise<string> {
  const headers = { authorization: `Bearer ${token}` };
  const inbox = await hub.app.inject({
    method: 'POST',
    url: '/api/inboxes',
    headers,
    payload: {
      channel: 'api',
      name: input.name ?? 'Desk',
      config: { secret: input.secret, peerUrl: input.peerUrl },
    },
  });
  if (inbox.statusCode >= 300) throw new Error(`inbox refused: ${inbox.body}`);
  const settings = await hub.app.inject({
    method: 'PATCH',
    url: '/api/desk/settings',
    headers,
    payload: { week: ALWAYS_OPEN, officialHolidays: false, ...input.settings },
  });
  if (settings.statusCode !== 200) throw new Error(`desk settings refused: ${settings.body}`);
  return (inbox.json() as { id: string }).id;
}

export async function postSigned(hub: TestHub, inboxId: string, secret: string, payload: unknown) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return hub.app.inject({
    method: 'POST',
    url: `/api/webhooks/${inboxId}`,
    headers: { 'content-type': 'application/json', 'x-test-signature': sign(secret, body) },
    payload: body,
  });
}
