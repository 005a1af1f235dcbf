// Fan-out latency: from a signed inbound webhook to the assigned agent's open WebSocket, with
// 500 agents connected and 200 inbound messages a second. The path measured is the whole one:
// HTTP → signature → raw request + job in one transaction → worker → identity resolution and
// timeline event → conversation, routing, message, feed row → socket. Baseline in the same run:
// a bare push through the same server and the same sockets (the in-process feed bus), no database.
//   npx tsx bench/fanout.bench.ts [--db=pglite|postgres] [--agents=500] [--rate=200] [--seconds=10] [--customers=1000]
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { uuidv7 } from '../packages/server/src/core/ids.ts';
import { createApiToken } from '../packages/server/src/workspaces/workspaces.service.ts';
import { ALWAYS_OPEN, sign, testAdapter } from '../packages/server/src/inbox/testing/desk-test-hub.ts';
import { buildApp } from '../packages/server/src/app.ts';
import { createLogger } from '../packages/server/src/core/logger.ts';
import { arg, cpuProfileOfPhase, fmt, freshDatabase, percentile, postJson } from './bench-support.ts';
import { cpuNow, profileDatabase } from './db-profiler.ts';

const DB = arg('db', 'pglite') as 'pglite' | 'postgres';
const AGENTS = Number(arg('agents', '500'));
const RATE = Number(arg('rate', '200'));
const SECONDS = Number(arg('seconds', '10'));
const CUSTOMERS = Number(arg('customers', '1000'));
const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const SECRET = 'bench-secret-123456';
// --profile: time every transaction of the measured phase by its first statement (adds overhead).
const PROFILE = process.argv.includes('--profile');

async function main(): Promise<void> {
  const db = await freshDatabase(DB, SERVER, 'pishkhan_bench_fanout');
  const profile = PROFILE ? profileDatabase(db.opened.db) : null;
  const built = await buildApp({
    db: profile?.db ?? db.opened.db,
    logger: createLogger('warn'),
    ingestFlushMs: 2,
    desk: {
      jobPollMs: 100,
      jobConcurrency: Number(arg('concurrency', '16')),
      ...(arg('inline', '') ? { inlineConcurrency: Number(arg('inline', '')) } : {}),
    },
  });
  built.desk.registerAdapter(testAdapter('api'));
  // --without-hooks (diagnosis only): the desk's extension hooks (answer bot, listening) left out,
  // to see what they cost; the reported figures keep them.
  if (process.argv.includes('--without-hooks')) {
    built.desk.hooks.onInboundMessage.length = 0;
    built.desk.hooks.holdsNewConversation.length = 0;
  }
  const base = await built.app.listen({ port: 0, host: '127.0.0.1' });
  const owner = await postJson<{ token: string; workspaceId: string }>(base, '/api/signup', {
    email: 'owner@bench.example',
    password: 'a-long-Passw0rd!',
    workspace: 'bench',
  });
  await fetch(`${base}/api/desk/settings`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
    body: JSON.stringify({ week: ALWAYS_OPEN, officialHolidays: false }),
  });
  const inbox = await postJson<{ id: string }>(
    base,
    '/api/inboxes',
    { channel: 'api', name: 'bench', config: { secret: SECRET, peerUrl: 'http://127.0.0.1:9' } },
    owner.token,
  );

  // Agents are made directly (argon2 for 500 sign-ups would dominate the set-up), each with a token.
  const agents: { id: string; token: string }[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const id = uuidv7();
    await db.opened.db.asSystem((tx) =>
      tx.query(`INSERT INTO users (workspace_id, id, email, name, role) VALUES ($1, $2, $3, $4, 'agent')`, [
        owner.workspaceId,
        id,
        `agent${i}@bench.example`,
        `Agent ${i}`,
      ]),
    );
    await db.opened.db.asSystem((tx) =>
      tx.query(
        `INSERT INTO agent_settings (workspace_id, user_id, capacity) VALUES ($1, $2, 100000)
         ON CONFLICT (workspace_id, user_id) DO UPDATE SET capacity = EXCLUDED.capacity`,
        [owner.workspaceId, id],
      ),
    );
    const token = await createApiToken(db.opened.db, {
      workspaceId: owner.workspaceId,
      userId: id,
      name: 'bench',
    });
    agents.push({ id, token: token.token });
  }

  // The agents' consoles and the provider run in a process of their own (fanout-clients.mjs).
  const clients = startClients();
  const wsBase = base.replace('http', 'ws');
  await clients.step('connect', { urls: agents.map((a) => `${wsBase}/api/realtime?token=${a.token}`) });
  console.log(
    `${AGENTS} agent sockets open; ${DB}; ${RATE} msg/s for ${SECONDS} s from ${CUSTOMERS} customers`,
  );

  // Baseline: the same sockets, a push per message to one agent, nothing stored.
  const total = RATE * SECONDS;
  clients.onPublish((seq, agent) =>
    built.desk.bus.publish([
      { workspaceId: owner.workspaceId, userId: agents[agent]!.id, type: 'typing', payload: { seq } },
    ]),
  );
  const { latencies: baseline } = (await clients.step('baseline', {
    rate: RATE,
    count: Math.min(total, RATE * 5),
    agents: AGENTS,
  })) as { latencies: number[] };

  // Warm-up (first conversations, JIT), not measured.
  const hook = (seq: number, customer: number) => webhook(base, inbox.id, seq, customer);
  await clients.step('warmUp', {
    webhooks: Array.from({ length: 20 }, (_, i) => hook(-1 - i, i % CUSTOMERS)),
  });
  const webhooks = Array.from({ length: total }, (_, seq) => hook(seq, seq % CUSTOMERS));

  profile?.reset();
  // --cpuprofile=<file>: a V8 CPU profile of the measured phase only (set-up left out).
  const cpuProfile = await cpuProfileOfPhase();
  const dbName = db.url ? new URL(db.url).pathname.slice(1) : undefined;
  const cpuBefore = cpuNow(dbName);
  const started = performance.now();
  const measured = (await clients.step('measure', { rate: RATE, webhooks, waitMs: 30_000 })) as {
    seconds: number;
    fanout: number[];
    acks: number[];
    refused: number;
  };
  const { fanout, acks, refused } = measured;
  const sendSeconds = measured.seconds;

  await cpuProfile.stop();
  const lines = [
    `fan-out, ${DB}, ${AGENTS} agent sockets, ${RATE} inbound msg/s offered for ${SECONDS} s (${fmt(total / sendSeconds)} msg/s achieved), ${CUSTOMERS} customers`,
    `delivered to the assigned agent: ${fanout.length} / ${total}`,
    `webhook → agent socket: p50 ${fmt(percentile(fanout, 50), 1)} ms, p95 ${fmt(percentile(fanout, 95), 1)} ms, p99 ${fmt(percentile(fanout, 99), 1)} ms, max ${fmt(Math.max(...fanout), 1)} ms`,
    `webhook acknowledged (HTTP 200): p50 ${fmt(percentile(acks, 50), 1)} ms, p99 ${fmt(percentile(acks, 99), 1)} ms${refused ? `, ${refused} requests failed` : ''}`,
    `baseline (bare push through the same server and sockets): p50 ${fmt(percentile(baseline, 50), 2)} ms, p99 ${fmt(percentile(baseline, 99), 2)} ms`,
    `ratio p99 fan-out / p99 baseline: ${fmt(percentile(fanout, 99) / percentile(baseline, 99), 1)}`,
  ];
  console.log(lines.join('\n'));
  if (profile) {
    const cpu = cpuNow(dbName);
    console.log(
      `CPU per message: hub process ${fmt((cpu.hubMs - cpuBefore.hubMs) / total, 2)} ms (kernel ${fmt((cpu.hubSystemMs - cpuBefore.hubSystemMs) / total, 2)} ms), PostgreSQL ${fmt((cpu.serverMs - cpuBefore.serverMs) / total, 2)} ms`,
    );
    console.log(profile.report((performance.now() - started) / 1000));
  }
  const results = new URL('./results/', import.meta.url);
  mkdirSync(results, { recursive: true });
  writeFileSync(new URL(`fanout-${DB}-${RATE}.txt`, results), `${lines.join('\n')}\n`);
  await clients.step('close', {});
  await built.close();
  await db.opened.close();
  // --keep: leave the scratch database for EXPLAIN (its URL is printed).
  if (process.argv.includes('--keep')) console.log(`kept: ${db.url ?? 'PGlite'}`);
  else await db.drop();
}

/** A signed webhook carrying one customer message, ready for the clients process to send. */
function webhook(base: string, inboxId: string, seq: number, customer: number) {
  const body = JSON.stringify({
    messages: [
      {
        id: `bench-${seq}`,
        from: [{ type: 'email', value: `customer${customer}@bench.example` }],
        text: `bench ${seq}`,
      },
    ],
  });
  return {
    seq,
    url: `${base}/api/webhooks/${inboxId}`,
    body,
    headers: { 'content-type': 'application/json', 'x-test-signature': sign(SECRET, body) },
  };
}

type ClientsReply =
  { type: 'done'; step: string; error?: string } | { type: 'publish'; seq: number; agent: number };

/** The clients process, one step at a time; its requests to publish a baseline signal go to `onPublish`. */
function startClients() {
  const child = fork(new URL('./fanout-clients.mjs', import.meta.url), { stdio: 'inherit' });
  let publish: (seq: number, agent: number) => void = () => undefined;
  let waiting: ((reply: Record<string, unknown>) => void) | null = null;
  child.on('message', (message: ClientsReply) => {
    if (message.type === 'publish') publish(message.seq, message.agent);
    else waiting?.(message);
  });
  return {
    onPublish(fn: (seq: number, agent: number) => void) {
      publish = fn;
    },
    step(step: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
      return new Promise((resolve, reject) => {
        waiting = (reply) => (reply.error ? reject(new Error(String(reply.error))) : resolve(reply));
        child.send({ step, ...input });
      });
    },
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
