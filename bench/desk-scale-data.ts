// The desk the desk-scale benchmark loads: conversations, messages, surveys and SLA breaches over
// six months, written straight into the tables with INSERT … SELECT generate_series (the hub's
// own write path would take hours at this size). Message text is real Persian (SnappFood reviews)
// and generated English; a third of the Persian customer messages are stored with Arabic ي/ك and
// order codes in Persian digits, while search_text holds what the hub would have stored
// (normalizePersian of the body) — so a search only finds them if the query is normalised too.
import type pg from 'pg';
import { normalizePersian } from '../packages/server/src/core/persian-text.ts';
import { seededRandom } from '../packages/server/src/core/seeded-random.ts';
import { readSnappfoodReviews } from '../packages/server/src/insights/sentiment/snappfood-dataset.ts';
import { fmt, progress } from './bench-support.ts';

export const CHANNELS = [
  'whatsapp',
  'webchat',
  'telegram',
  'email',
  'instagram',
  'sms',
  'bale',
  'messenger',
  'x',
  'api',
];
// How often each channel starts a conversation (indexes into CHANNELS, 20 slots).
const CHANNEL_SLOTS = [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9];
export const LABELS = ['order', 'delivery', 'refund', 'billing', 'account', 'app'];
export const PERIOD = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-07-01T00:00:00Z') };
/** A conversation's order code is this plus its number: "کد سفارش ۱۰۴۲۱۳۷" in its first message. */
export const ORDER_BASE = 1_000_000;

const LOADED_TABLES = ['conversations', 'messages', 'surveys'];

export type DeskShape = {
  messages: number;
  conversations: number;
  customers: number;
  agents: number;
  teams: number;
};

// Text pools: (pool, n) → body and the normalised search text.
const POOLS = [
  'fa-customer',
  'en-customer',
  'fa-agent',
  'en-agent',
  'fa-bot',
  'en-bot',
  'fa-note',
  'en-note',
] as const;

const FA_AGENT = [
  'سلام، وقت بخیر. سفارش شما را پیگیری می‌کنیم.',
  'پوزش می‌خواهیم؛ مبلغ به کیف پول شما برگشت داده شد.',
  'همکاران ما در حال بررسی مشکل هستند و نتیجه را اطلاع می‌دهیم.',
  'لطفاً شماره تماس خود را ارسال کنید تا پیک با شما هماهنگ کند.',
  'ارسال سفارش با تأخیر انجام شد، عذرخواهی می‌کنیم.',
  'کد تخفیف برای سفارش بعدی برایتان فعال شد.',
  'درخواست بازگشت وجه ثبت شد و تا ۷۲ ساعت آینده واریز می‌شود.',
  'پیک در مسیر است و تا دقایقی دیگر می‌رسد.',
  'از صبر و شکیبایی شما سپاسگزاریم.',
  'آیا مشکل دیگری هست که بتوانم کمک کنم؟',
  'فاکتور اصلاح شد و نسخه جدید برای شما ایمیل شد.',
  'رستوران اعلام کرد غذا دوباره ارسال می‌شود.',
  'حساب کاربری شما بازیابی شد، لطفاً دوباره وارد شوید.',
  'بازخورد شما به رستوران منتقل شد.',
];
const FA_BOT = [
  'پاسخ خودکار: وضعیت سفارش را از بخش سفارش‌های من ببینید.',
  'پاسخ خودکار: ساعت کاری پشتیبانی شنبه تا چهارشنبه ۸ تا ۱۶ است.',
  'پاسخ خودکار: برای لغو سفارش تا ۵ دقیقه پس از ثبت فرصت دارید.',
  'پاسخ خودکار: هزینه ارسال به فاصله رستوران بستگی دارد.',
];
const FA_NOTE = ['یادداشت: مشتری ویژه است، پیگیری شود.', 'یادداشت: با واحد مالی هماهنگ شد.'];
const EN_AGENT = [
  'Hello, thanks for reaching out. We are checking your order now.',
  'Sorry about that: a refund has been issued to your card.',
  'The courier is on the way and should arrive within minutes.',
  'We corrected the invoice and emailed you the new copy.',
  'Your account has been restored, please sign in again.',
  'We passed your feedback to the restaurant.',
  'A discount code for your next order is now active.',
  'Is there anything else I can help you with?',
];
const EN_BOT = [
  'Automated answer: you can track your order under My orders.',
  'Automated answer: support hours are Saturday to Wednesday, 8 to 16.',
  'Automated answer: delivery fees depend on the distance to the restaurant.',
];
const EN_NOTE = ['Note: key customer, follow up.', 'Note: checked with finance.'];

function englishCustomerSentences(count: number): string[] {
  const random = seededRandom(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const subjects = [
    'my order',
    'the delivery',
    'the courier',
    'the app',
    'my account',
    'the refund',
    'the invoice',
  ];
  const more = ['the pizza', 'the package', 'my subscription', 'the burger', 'the salad', 'the payment'];
  const predicates = [
    'arrived late',
    'was cold',
    'never arrived',
    'is missing an item',
    'was charged twice',
    'shows the wrong address',
    'was cancelled without notice',
    'is still pending',
    'was damaged',
    'does not load',
    'was delivered to my neighbour',
  ];
  const tails = [
    'please help',
    'can you check',
    'I want a refund',
    'this is the second time',
    'thank you',
    'what is the status',
    'call me back please',
    'I am very disappointed',
    '',
  ];
  return Array.from({ length: count }, () => {
    const text = `${pick([...subjects, ...more])} ${pick(predicates)}, ${pick(tails)}`.replace(/, $/, '');
    return text.charAt(0).toUpperCase() + text.slice(1);
  });
}

async function loadTextPools(client: pg.Client): Promise<number[]> {
  const fa = readSnappfoodReviews().map((r) => r.text.replace(/\s+/g, ' ').trim());
  const byPool: Record<(typeof POOLS)[number], string[]> = {
    'fa-customer': fa,
    'en-customer': englishCustomerSentences(2000),
    'fa-agent': FA_AGENT,
    'en-agent': EN_AGENT,
    'fa-bot': FA_BOT,
    'en-bot': EN_BOT,
    'fa-note': FA_NOTE,
    'en-note': EN_NOTE,
  };
  await client.query(
    'CREATE UNLOGGED TABLE bench_text (pool int, n int, body text NOT NULL, search text NOT NULL, PRIMARY KEY (pool, n))',
  );
  const rows = POOLS.flatMap((name, pool) =>
    byPool[name].map((body, n) => [pool, n, body, normalizePersian(body)]),
  );
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await client.query(
      `INSERT INTO bench_text (pool, n, body, search) VALUES ${chunk.map((_, j) => `($${j * 4 + 1}, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4})`).join(', ')}`,
      chunk.flat(),
    );
  }
  return POOLS.map((name) => byPool[name].length);
}

// A UUIDv7 for a time: the hub's ids are time-ordered, and the loaded ones must be too.
const UUID_FUNCTION = `CREATE OR REPLACE FUNCTION bench_uuid(ts timestamptz, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(r, 1, 3) || '-8' || substr(r, 4, 3) || '-' || substr(r, 7, 12))::uuid
  FROM (SELECT lpad(to_hex((extract(epoch FROM ts) * 1000)::bigint), 12, '0') AS h, lpad(to_hex(n), 18, '0') AS r) x $$`;
// A deterministic pseudo-random non-negative int per row and salt.
const H = (salt: number, of = 'k') => `(hashint4((${of} * 16 + ${salt})::int)::bigint & 2147483647)`;

/** Loads the desk into `workspaceId`. Indexes are dropped first and rebuilt once at the end. */
export async function loadDesk(client: pg.Client, workspaceId: string, shape: DeskShape): Promise<void> {
  const say = (s: string) => process.stderr.write(`${s}\n`);
  // Bulk loads go faster without secondary indexes and row triggers: the indexes (whatever the
  // migrations define) are rebuilt once at the end; derived tables are rebuilt by the caller.
  const indexes = (
    await client.query<{ indexname: string; indexdef: string }>(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
       WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
      [LOADED_TABLES],
    )
  ).rows;
  for (const i of indexes) await client.query(`DROP INDEX ${i.indexname}`);
  for (const t of LOADED_TABLES) await client.query(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
  await client.query(UUID_FUNCTION);
  const sizes = await loadTextPools(client);
  say('agents, teams, inboxes, customers…');
  await client.query(
    `INSERT INTO teams (workspace_id, id, name) SELECT $1, bench_uuid(timestamptz '2024-01-01', t), 'Team ' || (t + 1) FROM generate_series(0, $2 - 1) t`,
    [workspaceId, shape.teams],
  );
  await client.query(
    `INSERT INTO users (workspace_id, id, email, name, role)
     SELECT $1, bench_uuid(timestamptz '2024-01-02', a), 'agent' || a || '@desk-bench.example', 'Agent ' || a, 'agent'
     FROM generate_series(0, $2 - 1) a`,
    [workspaceId, shape.agents],
  );
  await client.query(
    `INSERT INTO team_members (workspace_id, team_id, user_id)
     SELECT $1, bench_uuid(timestamptz '2024-01-01', a % $3), bench_uuid(timestamptz '2024-01-02', a) FROM generate_series(0, $2 - 1) a`,
    [workspaceId, shape.agents, shape.teams],
  );
  await client.query(
    `INSERT INTO inboxes (workspace_id, id, channel, name, webhook_secret)
     SELECT $1, bench_uuid(timestamptz '2024-01-03', i - 1), c, 'Bench ' || c, 'bench-secret-' || i FROM unnest($2::text[]) WITH ORDINALITY AS x(c, i)`,
    [workspaceId, CHANNELS],
  );
  await client.query(
    `INSERT INTO customers (workspace_id, id, traits, created_at)
     SELECT $1, bench_uuid(timestamptz '2024-06-01', n), jsonb_build_object('name', 'Customer ' || n), timestamptz '2024-06-01'
     FROM generate_series(0, $2 - 1) n`,
    [workspaceId, shape.customers],
  );

  // One row per conversation with everything its messages and surveys are derived from.
  const span = (PERIOD.to.getTime() - PERIOD.from.getTime()) / 1000;
  say('conversations…');
  await client.query(
    `CREATE UNLOGGED TABLE bench_conv AS
     SELECT k, bench_uuid(created, k) AS id, created, kind, lang, agent, frt,
            CASE WHEN kind <> 'unanswered' AND created + (frt + 600 + ${H(7)} % 172800) * interval '1 second' < $3::timestamptz
                  AND ${H(8)} % 100 < 93 THEN created + (frt + 600 + ${H(7)} % 172800) * interval '1 second' END AS resolved_at,
            ${H(1)} % $4 AS customer, (ARRAY[${CHANNEL_SLOTS.join(',')}])[1 + ${H(2)} % 20] AS inbox
     FROM (SELECT k, $1::timestamptz + ((k + (${H(0)} % 1000) / 1000.0) * $2 / $5) * interval '1 second' AS created,
                  CASE WHEN ${H(4)} % 100 < 8 THEN 'deflected' WHEN ${H(4)} % 100 < 12 THEN 'handover'
                       WHEN ${H(4)} % 100 < 15 THEN 'unanswered' ELSE 'normal' END AS kind,
                  CASE WHEN ${H(3)} % 10 < 8 THEN 'fa' ELSE 'en' END AS lang,
                  CASE WHEN ${H(4)} % 100 < 8 OR ${H(5)} % 100 < 3 THEN NULL ELSE ${H(6)} % $6 END AS agent,
                  30 + ((${H(9)} % 1000) ^ 2 / 250)::int AS frt
           FROM generate_series(0, $5 - 1) k) s`,
    [PERIOD.from, span, PERIOD.to, shape.customers, shape.conversations, shape.agents],
  );
  await client.query('ALTER TABLE bench_conv ADD PRIMARY KEY (k)');
  await client.query(
    `INSERT INTO conversations (workspace_id, id, customer_id, inbox_id, reply_inbox_id, thread_key, status, priority,
       assignee_id, team_id, labels, subject, language, first_response_at, resolved_at, reopened_count, handled_by_bot,
       last_customer_message_at, sla_breached, created_at, updated_at)
     SELECT $1, c.id, bench_uuid(timestamptz '2024-06-01', c.customer), i, i, 'bench:' || c.k,
            CASE WHEN c.resolved_at IS NULL THEN 'open' ELSE 'resolved' END,
            (ARRAY['low','normal','normal','normal','high','urgent'])[1 + ${H(10)} % 6],
            CASE WHEN c.agent IS NOT NULL THEN bench_uuid(timestamptz '2024-01-02', c.agent) END,
            bench_uuid(timestamptz '2024-01-01', coalesce(c.agent, ${H(11)}) % $2),
            CASE WHEN ${H(12)} % 10 < 7 THEN ARRAY[(ARRAY['${LABELS.join("','")}'])[1 + ${H(13)} % ${LABELS.length}]] ELSE '{}' END,
            NULL, c.lang,
            CASE WHEN c.kind = 'normal' THEN c.created + c.frt * interval '1 second'
                 WHEN c.kind = 'handover' THEN c.created + (c.frt + 120) * interval '1 second' END,
            c.resolved_at,
            CASE WHEN c.resolved_at IS NOT NULL AND ${H(14)} % 100 < 6 THEN 1 ELSE 0 END,
            c.kind IN ('deflected', 'handover'),
            c.created,
            CASE WHEN ${H(15)} % 100 < 7 THEN '{first_response}'::text[] WHEN ${H(15)} % 100 < 10 THEN '{resolution}'::text[] ELSE '{}' END,
            c.created, coalesce(c.resolved_at, c.created + 4 * c.frt * interval '1 second')
     FROM bench_conv c, LATERAL (SELECT bench_uuid(timestamptz '2024-01-03', c.inbox)) x(i)`,
    [workspaceId, shape.teams],
  );

  // Messages: conversation k owns messages ceil(k·M/C) … ceil((k+1)·M/C) − 1, oldest first.
  const chunk = 250_000;
  for (let start = 0; start < shape.messages; start += chunk) {
    const end = Math.min(shape.messages, start + chunk) - 1;
    await client.query(
      `INSERT INTO messages (workspace_id, id, conversation_id, inbox_id, direction, sender_type, sender_id, private, body,
         status, search_text, created_at)
       SELECT $1, bench_uuid(at, g), c.id, bench_uuid(timestamptz '2024-01-03', c.inbox),
              CASE sender WHEN 'customer' THEN 'inbound' WHEN 'note' THEN 'internal' ELSE 'outbound' END,
              CASE sender WHEN 'note' THEN 'agent' ELSE sender END,
              CASE WHEN sender IN ('agent', 'note') AND c.agent IS NOT NULL THEN bench_uuid(timestamptz '2024-01-02', c.agent) END,
              sender = 'note',
              CASE WHEN arabic THEN translate(t.body, 'یک', 'يك') ELSE t.body END
                || CASE WHEN code AND c.lang = 'fa' THEN CASE WHEN arabic THEN ' كد سفارش ' ELSE ' کد سفارش ' END
                          || translate((${ORDER_BASE} + c.k)::text, '0123456789', '۰۱۲۳۴۵۶۷۸۹')
                        WHEN code THEN ' (order #' || (${ORDER_BASE} + c.k) || ')' ELSE '' END,
              CASE sender WHEN 'customer' THEN 'received' ELSE 'sent' END,
              t.search || CASE WHEN code AND c.lang = 'fa' THEN ' کد سفارش ' || (${ORDER_BASE} + c.k)
                               WHEN code THEN ' (order #' || (${ORDER_BASE} + c.k) || ')' ELSE '' END,
              at
       FROM (SELECT g, (g * $3::bigint / $2::bigint)::int AS k FROM generate_series($4::bigint, $5::bigint) g) a
       JOIN bench_conv c USING (k)
       CROSS JOIN LATERAL (SELECT g - (k * $2::bigint + $3::bigint - 1) / $3::bigint AS p,
         ((k + 1) * $2::bigint + $3::bigint - 1) / $3::bigint - (k * $2::bigint + $3::bigint - 1) / $3::bigint AS n) pn
       CROSS JOIN LATERAL (SELECT
         CASE WHEN p % 2 = 0 OR kind = 'unanswered' THEN 'customer'
              WHEN kind = 'deflected' OR (kind = 'handover' AND p = 1) THEN 'bot'
              WHEN p = n - 1 AND ${H(1, 'g')} % 10 = 0 THEN 'note'
              ELSE 'agent' END AS sender,
         p = 0 OR (p = 1 AND ${H(2, 'g')} % 3 = 0) AS code,
         p % 2 = 0 AND ${H(3, 'g')} % 3 = 0 AS arabic) s
       CROSS JOIN LATERAL (SELECT c.created + (p * c.frt) * interval '1 second' AS at,
         (CASE sender WHEN 'customer' THEN 0 WHEN 'agent' THEN 2 WHEN 'bot' THEN 4 ELSE 6 END) + (c.lang = 'en')::int AS pool) x
       JOIN bench_text t ON t.pool = x.pool AND t.n = ${H(4, 'g')} % ($6::int[])[x.pool + 1]`,
      [workspaceId, shape.messages, shape.conversations, start, end, sizes],
    );
    progress('loading messages', end + 1, shape.messages);
  }

  say('surveys…');
  await client.query(
    `INSERT INTO surveys (workspace_id, id, conversation_id, customer_id, kind, channel, score, sent_at, answered_at)
     SELECT $1, bench_uuid(c.resolved_at, c.k), c.id, bench_uuid(timestamptz '2024-06-01', c.customer), survey_kind, ($2::text[])[1 + c.inbox],
            CASE WHEN ${H(14, 'c.k')} % 100 < 60 THEN
              CASE survey_kind WHEN 'csat' THEN (ARRAY[5,5,5,4,4,4,3,2,1,5])[1 + ${H(15, 'c.k')} % 10]
                        WHEN 'nps' THEN ${H(15, 'c.k')} % 11 ELSE 1 + ${H(15, 'c.k')} % 7 END END,
            c.resolved_at,
            CASE WHEN ${H(14, 'c.k')} % 100 < 60 THEN c.resolved_at + (${H(13, 'c.k')} % 86400) * interval '1 second' END
     FROM bench_conv c, LATERAL (SELECT CASE WHEN ${H(12, 'c.k')} % 10 < 7 THEN 'csat' WHEN ${H(12, 'c.k')} % 10 < 9 THEN 'nps' ELSE 'ces' END) x(survey_kind)
     WHERE c.resolved_at IS NOT NULL AND ${H(11, 'c.k')} % 100 < 35`,
    [workspaceId, CHANNELS],
  );
  await client.query('DROP TABLE bench_conv; DROP TABLE bench_text');
  await client.query(`SET maintenance_work_mem = '512MB'`);
  for (const [n, i] of indexes.entries()) {
    progress('building indexes', n, indexes.length);
    await client.query(i.indexdef);
  }
  progress('building indexes', indexes.length, indexes.length);
  for (const t of LOADED_TABLES) await client.query(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
  for (const t of LOADED_TABLES) await client.query(`VACUUM ANALYZE ${t}`);
  say(
    `loaded ${fmt(shape.conversations)} conversations and ${fmt(shape.messages)} messages into ${workspaceId}`,
  );
}
