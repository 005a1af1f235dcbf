// Timeline read benchmark: one customer's timeline among 1,000,000 customers and 10,000,000
// events, read over HTTP (auth, row-level security, JSON) against the same SQL run bare on the
// same database — the ratio shows what the hub adds to the index scan.
//   npx tsx bench/timeline.bench.ts [--customers=1000000] [--events=10000000] [--reads=2000] [--keep]
import pg from 'pg';
import { buildApp } from '../packages/server/src/app.ts';
import { createLogger } from '../packages/server/src/core/logger.ts';
import { openDatabase } from '../packages/server/src/db/open-database.ts';
import { arg, fmt, percentile, progress } from './bench-support.ts';

const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const CUSTOMERS = Number(arg('customers', '1000000'));
const EVENTS = Number(arg('events', '10000000'));
const READS = Number(arg('reads', '2000'));
const NAME = `pishkhan_bench_timeline_${CUSTOMERS}_${EVENTS}`;
const KEEP = process.argv.includes('--keep');

const customerId = (n: number) => `00000000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

async function ensureDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [NAME])).rowCount;
  if (!exists) await admin.query(`CREATE DATABASE ${NAME}`);
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${NAME}`;
  return url.toString();
}

async function load(url: string, workspaceId: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const counted = (await client.query<{ n: string }>('SELECT count(*)::bigint AS n FROM events')).rows[0];
  if (Number(counted?.n ?? 0) >= EVENTS) {
    await client.end();
    return;
  }
  // Loading is faster without the indexes; they are built once at the end.
  await client.query('ALTER TABLE events DROP CONSTRAINT events_pkey; DROP INDEX events_timeline');
  await client.query(
    `INSERT INTO customers (workspace_id, id) SELECT $1, ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid FROM generate_series(0, $2 - 1) g`,
    [workspaceId, CUSTOMERS],
  );
  const chunk = 1_000_000;
  for (let start = 0; start < EVENTS; start += chunk) {
    // Customer n gets events n, n+C, n+2C…: about EVENTS/CUSTOMERS each, spread over two years.
    await client.query(
      `INSERT INTO events (workspace_id, id, message_id, customer_id, origin_customer_id, type, event, channel, ts, received_at, properties, context)
       SELECT $1, gen_random_uuid(), 'm' || g, c, c, 'track',
              (ARRAY['Product Viewed','Order Completed','Message Received','Page Viewed'])[1 + g % 4],
              (ARRAY['web','app','whatsapp','email','store','telegram'])[1 + g % 6],
              timestamptz '2025-01-01' + (g % 63072000) * interval '1 second', now(),
              jsonb_build_object('product_id', 'p-' || (g % 500), 'price', g % 1000000, 'name', 'گوشی هوشمند'),
              '{"ip":"10.0.0.1","library":{"name":"bench"}}'::jsonb
       FROM (SELECT g, ('00000000-0000-7000-8000-' || lpad(to_hex(g % $2), 12, '0'))::uuid AS c FROM generate_series($3::bigint, $4::bigint) g) s`,
      [workspaceId, CUSTOMERS, start, Math.min(EVENTS, start + chunk) - 1],
    );
    progress('loading events', Math.min(EVENTS, start + chunk), EVENTS);
  }
  process.stderr.write('building indexes…\n');
  await client.query('ALTER TABLE events ADD PRIMARY KEY (workspace_id, message_id)');
  await client.query('CREATE INDEX events_timeline ON events (workspace_id, customer_id, ts DESC, id DESC)');
  await client.query('VACUUM ANALYZE events');
  await client.query('VACUUM ANALYZE customers');
  await client.end();
}

const url = await ensureDatabase();
const opened = await openDatabase({ databaseUrl: url });
const built = await buildApp({ db: opened.db, logger: createLogger('warn') });
let signup = await built.app.inject({
  method: 'POST',
  url: '/api/signup',
  payload: { email: 'bench@example.com', password: 'a-long-Passw0rd!', workspace: 'bench' },
});
if (signup.statusCode !== 200)
  signup = await built.app.inject({
    method: 'POST',
    url: '/api/signin',
    payload: { email: 'bench@example.com', password: 'a-long-Passw0rd!' },
  });
const { token, workspaceId } = signup.json() as { token: string; workspaceId: string };
const loadStarted = performance.now();
await load(url, workspaceId);
console.log(
  `Timeline benchmark on PostgreSQL: ${fmt(CUSTOMERS)} customers, ${fmt(EVENTS)} events (load ${fmt((performance.now() - loadStarted) / 1000, 1)} s)`,
);

const bare = new pg.Client({ connectionString: url });
await bare.connect();
const random = (() => {
  let s = 42;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
})();
const picks = Array.from({ length: READS }, () => customerId(Math.floor(random() * CUSTOMERS)));
const plan = (
  await bare.query(
    `EXPLAIN SELECT id, ts FROM events WHERE workspace_id = $1 AND customer_id = $2 ORDER BY ts DESC, id DESC LIMIT 51`,
    [workspaceId, picks[0]],
  )
).rows
  .map((r) => Object.values(r)[0])
  .join(' / ');
console.log(`  plan: ${plan}`);

// Each pass reads every picked customer over HTTP and bare. The first pass finds most pages on
// disk (cold), the second in memory (warm): both are reported.
const row = (label: string, v: number[]) =>
  `  ${label.padEnd(52)} p50 ${fmt(percentile(v, 50), 2).padStart(6)} ms   p99 ${fmt(percentile(v, 99), 2).padStart(6)} ms`;
for (const pass of ['cold', 'warm']) {
  const httpTimes: number[] = [];
  const sqlTimes: number[] = [];
  for (const [i, id] of picks.entries()) {
    let t = performance.now();
    const reply = await built.app.inject({
      method: 'GET',
      url: `/api/customers/${id}/timeline?limit=50`,
      headers: { authorization: `Bearer ${token}` },
    });
    httpTimes.push(performance.now() - t);
    if (reply.statusCode !== 200) throw new Error(`timeline answered ${reply.statusCode}: ${reply.body}`);
    t = performance.now();
    await bare.query(
      'SELECT id, message_id, type, event, channel, ts, received_at, source_id, properties, context FROM events WHERE workspace_id = $1 AND customer_id = $2 ORDER BY ts DESC, id DESC LIMIT 51',
      [workspaceId, id],
    );
    sqlTimes.push(performance.now() - t);
    progress(`reading timelines (${pass})`, i + 1, picks.length);
  }
  console.log(`  ${pass}:`);
  console.log(row('GET /api/customers/:id/timeline (first page)', httpTimes));
  console.log(row('bare SQL of the same page, same order (baseline)', sqlTimes));
  console.log(
    `  ratio hub / bare SQL at p99: ${fmt(percentile(httpTimes, 99) / percentile(sqlTimes, 99), 2)}   (target: hub p99 < 20 ms)`,
  );
}
await bare.end();
await built.close();
await opened.close();
if (!KEEP) {
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
  await admin.end();
}
