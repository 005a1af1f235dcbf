// Desk search and reports at scale (issue 3): a desk of 2,000,000 messages in 300,000
// conversations over six months (60 agents in 8 teams, 10 channels, surveys, SLA breaches),
// loaded straight into a fresh PostgreSQL database, then measured through the hub's HTTP API:
//   (a) GET /api/conversations?q=… for Persian and English queries — results checked against an
//       exhaustive computation, and queries typed with Arabic ي/ك, ZWNJ or Persian digits checked
//       to find the normalised text — against a sequential ILIKE scan of the normalised text and
//       the previous search query, in the same run;
//   (b) GET /api/service-metrics for the six months grouped by agent, team, channel and day,
//       against a bare count(*) of the same conversations.
//   npx tsx bench/desk-scale.bench.ts [--messages=2000000] [--conversations=messages×0.15]
//     [--agents=60] [--teams=8] [--reps=20] [--keep]
// --keep keeps the database (named by its size) so a later run skips the load.
import pg from 'pg';
import { buildApp, type BuiltApp } from '../packages/server/src/app.ts';
import { createLogger } from '../packages/server/src/core/logger.ts';
import { normalizePersian, tokenize } from '../packages/server/src/core/persian-text.ts';
import { openDatabase } from '../packages/server/src/db/open-database.ts';
import { createScratchDatabase } from '../packages/server/src/db/scratch-database.ts';
import { arg, fmt, percentile, progress } from './bench-support.ts';
import { loadDesk, ORDER_BASE, PERIOD, type DeskShape } from './desk-scale-data.ts';
import { afterLoad, reportsAgree } from './desk-scale-checks.ts';

const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const MESSAGES = Number(arg('messages', '2000000'));
const CONVERSATIONS = Number(arg('conversations', String(Math.round(MESSAGES * 0.15))));
const SHAPE: DeskShape = {
  messages: MESSAGES,
  conversations: CONVERSATIONS,
  customers: Math.max(1, Math.round(CONVERSATIONS / 3)),
  agents: Number(arg('agents', '60')),
  teams: Number(arg('teams', '8')),
};
const REPS = Number(arg('reps', '20'));
const KEEP = process.argv.includes('--keep');
const LIMIT = 50;

async function database(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!KEEP) return createScratchDatabase(SERVER, 'pishkhan_bench_desk');
  const name = `pishkhan_bench_desk_${SHAPE.messages}_${SHAPE.conversations}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount)
    await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: async () => undefined };
}

async function owner(built: BuiltApp): Promise<{ token: string; workspaceId: string }> {
  const credentials = { email: 'owner@desk-bench.example', password: 'a-long-Passw0rd!' };
  let reply = await built.app.inject({
    method: 'POST',
    url: '/api/signup',
    payload: { ...credentials, workspace: 'desk bench' },
  });
  if (reply.statusCode !== 200)
    reply = await built.app.inject({ method: 'POST', url: '/api/signin', payload: credentials });
  return reply.json() as { token: string; workspaceId: string };
}

const scratch = await database();
const opened = await openDatabase({ databaseUrl: scratch.url });
// No SLA sweep, job polling or mail polling during the measurement: only the requests run.
const built = await buildApp({
  db: opened.db,
  logger: createLogger('warn'),
  desk: { slaSweepMs: 2 ** 30, jobPollMs: 60_000, mailPollTickMs: 0 },
});
const { token, workspaceId } = await owner(built);
const bare = new pg.Client({ connectionString: scratch.url });
await bare.connect();
const loaded = Number(
  (await bare.query('SELECT count(*) AS n FROM conversations WHERE workspace_id = $1', [workspaceId])).rows[0]
    .n,
);
const loadStarted = performance.now();
if (loaded !== SHAPE.conversations) {
  if (loaded !== 0)
    throw new Error(`database holds ${loaded} conversations, expected 0 or ${SHAPE.conversations}`);
  await loadDesk(bare, workspaceId, SHAPE);
  await afterLoad(bare, workspaceId);
}
const loadSeconds = (performance.now() - loadStarted) / 1000;
const size = (await bare.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS s`)).rows[0].s;
console.log(
  `Desk at scale on PostgreSQL: ${fmt(SHAPE.messages)} messages, ${fmt(SHAPE.conversations)} conversations, ${fmt(SHAPE.customers)} customers, ` +
    `${SHAPE.agents} agents in ${SHAPE.teams} teams, 10 channels, ${PERIOD.from.toISOString().slice(0, 10)} … ${PERIOD.to.toISOString().slice(0, 10)} ` +
    `(${loaded === 0 ? `loaded in ${fmt(loadSeconds, 0)} s` : 'kept database'}, ${size})`,
);

const get = async (url: string) => {
  const started = performance.now();
  const reply = await built.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const ms = performance.now() - started;
  if (reply.statusCode !== 200) throw new Error(`${url} answered ${reply.statusCode}: ${reply.body}`);
  return { ms, body: reply.json() as Record<string, unknown> };
};
const timeSql = async (sql: string, params: unknown[]) => {
  const started = performance.now();
  const result = await bare.query(sql, params);
  return { ms: performance.now() - started, rows: result.rows as Record<string, unknown>[] };
};

// ---- (a) search --------------------------------------------------------------------------------
const codeOf = async (language: string) => {
  const from = Math.floor(SHAPE.conversations * 0.4);
  const keys = Array.from({ length: 40 }, (_, i) => `bench:${from + i}`);
  const row = (
    await bare.query<{ id: string; thread_key: string }>(
      `SELECT id, thread_key FROM conversations WHERE workspace_id = $1 AND thread_key = ANY($2) AND language = $3
       ORDER BY thread_key LIMIT 1`,
      [workspaceId, keys, language],
    )
  ).rows[0]!;
  return { id: row.id, code: String(ORDER_BASE + Number(row.thread_key.slice(6))) };
};
const fa = await codeOf('fa');
const en = await codeOf('en');
const persianDigits = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));

type Query = { label: string; q: string; sameAs?: string; exactly?: string[] };
const QUERIES: Query[] = [
  { label: 'fa, very common word', q: 'بود' },
  { label: 'fa, common word', q: 'سفارش' },
  { label: 'fa, two words', q: 'پیتزا سرد' },
  { label: 'fa, rare word', q: 'همبرگر' },
  { label: 'fa, typed with Arabic ك/ي', q: 'كيك', sameAs: 'کیک' },
  { label: 'fa, typed with Arabic ي', q: 'ساندويچ', sameAs: 'ساندویچ' },
  { label: 'fa, ZWNJ', q: 'بسته\u200cبندی', sameAs: 'بسته بندی' },
  { label: 'fa, order code in Persian digits', q: persianDigits(fa.code), exactly: [fa.id] },
  { label: 'fa, order code typed with Latin digits', q: fa.code, exactly: [fa.id] },
  { label: 'en, common word', q: 'refund' },
  { label: 'en, two words', q: 'charged twice' },
  { label: 'en, rare word', q: 'neighbour' },
  { label: 'en, order code', q: en.code, exactly: [en.id] },
  { label: 'no match', q: 'zzqxv' },
];

const searchUrl = (q: string) => `/api/conversations?q=${encodeURIComponent(q)}&limit=${LIMIT}`;
const idsOf = (body: Record<string, unknown>) => (body.conversations as { id: string }[]).map((c) => c.id);

// Exhaustive: every conversation with a matching message, newest matching message first
// (message ids are UUIDv7: their order is the order they were written).
const exhaustive = async (q: string) =>
  (
    await bare.query<{ conversation_id: string; n: string }>(
      `SELECT conversation_id, count(*) OVER () AS n FROM (
         SELECT DISTINCT ON (m.conversation_id) m.conversation_id, m.id FROM messages m
         JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id AND c.merged_into IS NULL
         WHERE m.workspace_id = $1 AND m.search_vector @@ plainto_tsquery('simple', $2)
         ORDER BY m.conversation_id, m.id DESC) x
       ORDER BY id DESC`,
      [workspaceId, normalizePersian(q)],
    )
  ).rows;
const matchingMessages = async (q: string) =>
  Number(
    (
      await bare.query(
        `SELECT count(*) AS n FROM messages WHERE workspace_id = $1 AND search_vector @@ plainto_tsquery('simple', $2)`,
        [workspaceId, normalizePersian(q)],
      )
    ).rows[0].n,
  );
// Baseline: no full-text index — a sequential scan of the normalised text, every word as ILIKE.
const ilikeScan = (q: string) => {
  const words = tokenize(q);
  return timeSql(
    `SELECT conversation_id FROM messages WHERE workspace_id = $1 AND ${words.map((_, i) => `search_text ILIKE $${i + 2}`).join(' AND ')}
     GROUP BY conversation_id ORDER BY max(created_at) DESC LIMIT ${LIMIT}`,
    [workspaceId, ...words.map((w) => `%${w}%`)],
  );
};
// The search as it was before issue 3 (newest activity first, query text not normalised), bare:
// without row-level security, which kept the hub's own copy of it from using the index at all.
const previousQuery = (q: string) =>
  timeSql(
    `SELECT c.id FROM conversations c JOIN inboxes i ON i.workspace_id = c.workspace_id AND i.id = c.reply_inbox_id
     WHERE c.workspace_id = $1 AND c.merged_into IS NULL
       AND EXISTS (SELECT 1 FROM messages m WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id
             AND m.search_vector @@ plainto_tsquery('simple', $2))
     ORDER BY c.updated_at DESC LIMIT ${LIMIT}`,
    [workspaceId, q],
  );

console.log(`\n(a) GET /api/conversations?q=…&limit=${LIMIT}: ${REPS} requests per query`);
const hubTimes = new Map<string, number[]>(QUERIES.map((x) => [x.q, []]));
const results = new Map<string, string[]>();
for (let r = 0; r < REPS; r++) {
  for (const x of QUERIES) {
    const { ms, body } = await get(searchUrl(x.q));
    hubTimes.get(x.q)!.push(ms);
    results.set(x.q, idsOf(body));
  }
  progress('searching', r + 1, REPS);
}
let failures = 0;
const rows: string[] = [];
const allHub: number[] = [];
const ratios: number[] = [];
for (const [n, x] of QUERIES.entries()) {
  const got = results.get(x.q)!;
  const all = await exhaustive(x.q);
  const expected = all.slice(0, LIMIT).map((r) => r.conversation_id);
  const problems: string[] = [];
  if (got.join() !== expected.join()) {
    const inAll = new Set(all.map((r) => r.conversation_id));
    problems.push(
      got.every((id) => inAll.has(id)) && got.length === expected.length
        ? 'order differs from newest matching message first'
        : `${got.length} results, ${expected.length} expected`,
    );
  }
  if (x.sameAs) {
    const twin = idsOf((await get(searchUrl(x.sameAs))).body);
    if (twin.length === 0 || twin.join() !== got.join()) problems.push(`differs from "${x.sameAs}"`);
  }
  if (x.exactly && got.join() !== x.exactly.join()) problems.push(`expected exactly ${x.exactly.join()}`);
  failures += problems.length;
  const previous = (await previousQuery(x.q)).ms;
  const scans = [await ilikeScan(x.q), await ilikeScan(x.q)].map((t) => t.ms);
  const times = hubTimes.get(x.q)!;
  allHub.push(...times);
  ratios.push(percentile(times, 50) / Math.min(...scans));
  rows.push(
    `| ${x.label} (\`${x.q}\`) | ${fmt(await matchingMessages(x.q))} | ${fmt(all.length)} | ${fmt(percentile(times, 50), 1)} | ${fmt(percentile(times, 99), 1)} | ` +
      `${fmt(previous, 1)} | ${fmt(Math.min(...scans), 0)} | ${problems.length ? `**${problems.join('; ')}**` : 'yes'} |`,
  );
  progress('checking results and baselines', n + 1, QUERIES.length);
}
console.log(
  '| query | matching messages | matching conversations | hub p50 ms | hub p99 ms | previous query, bare ms | ILIKE scan ms | right |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
console.log(
  `all queries: hub p50 ${fmt(percentile(allHub, 50), 1)} ms, p99 ${fmt(percentile(allHub, 99), 1)} ms; ` +
    `hub p50 / ILIKE scan, median over queries: ${fmt(percentile(ratios, 50), 4)}   (target: p99 ≲ 100 ms)`,
);

// ---- (b) reports -------------------------------------------------------------------------------
const range = `from=${PERIOD.from.toISOString()}&to=${PERIOD.to.toISOString()}`;
const countSql = `SELECT count(*) AS n FROM conversations WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 AND merged_into IS NULL`;
const baseline: number[] = [];
let counted = 0;
for (let r = 0; r < 5; r++) {
  const t = await timeSql(countSql, [workspaceId, PERIOD.from, PERIOD.to]);
  baseline.push(t.ms);
  counted = Number(t.rows[0]!.n);
}
console.log(`\n(b) GET /api/service-metrics over six months: 5 requests per grouping`);
console.log(
  `baseline: bare count(*) of the ${fmt(counted)} conversations, median ${fmt(percentile(baseline, 50), 1)} ms`,
);
console.log(
  '| groupBy | rows | hub median ms | hub max ms | ÷ baseline | raw-table query ms (previous) | conversations add up | agrees with raw tables |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const groupBy of ['agent', 'team', 'channel', 'day'] as const) {
  const times: number[] = [];
  let body: Record<string, unknown> = {};
  for (let r = 0; r < 5; r++) {
    const reply = await get(`/api/service-metrics?${range}&groupBy=${groupBy}`);
    times.push(reply.ms);
    body = reply.body;
  }
  const reportRows = body.rows as { conversations: number }[];
  const sum = reportRows.reduce((s, r) => s + r.conversations, 0);
  const raw = await reportsAgree(opened.db, { workspaceId, from: PERIOD.from, to: PERIOD.to, groupBy }, body);
  if (sum !== counted || raw.agrees === 'no') failures++;
  console.log(
    `| ${groupBy} | ${reportRows.length} | ${fmt(percentile(times, 50), 0)} | ${fmt(Math.max(...times), 0)} | ` +
      `${fmt(percentile(times, 50) / percentile(baseline, 50), 1)} | ${fmt(raw.rawMs, 0)} | ` +
      `${sum === counted ? 'yes' : `**${sum} ≠ ${counted}**`} | ${raw.agrees === 'yes' ? 'yes' : '**no**'} |`,
  );
}

await bare.end();
await built.close();
await opened.close();
await scratch.drop();
if (failures > 0) {
  console.log(`\n${failures} check(s) failed`);
  process.exitCode = 1;
}
