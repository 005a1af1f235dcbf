// What one ingest group (one transaction) costs by its size, without HTTP or a parsing thread:
// groups of N events of known customers given to the ingest pipeline one after another, on a
// PostgreSQL server. Per group: wall time (with the idle hub's INGEST_FLUSH_MS wait before each: 2 ms
// until the ninth session, 0 since, the next turn of the event loop; --flush-ms=N sets it), the hub's
// CPU and the server's; per event, the same.
// Fitting a + b·N over the sizes separates what a transaction costs from what an event does.
//   npx tsx --max-semi-space-size=64 bench/ingest-groups.bench.ts [--sizes=1,10,50,100,500] [--events=20000]
import { arg, fmt, freshDatabase, serverCpuSeconds, startHub } from './bench-support.ts';
import { makeEvents } from './segment-events.mjs';
import { parseIngestBody } from '../packages/server/src/ingest/parse-ingest-body.ts';
import { eventsOfBody } from '../packages/server/src/ingest/read-segment-body.ts';

const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const SIZES = arg('sizes', '1,10,50,100,500').split(',').map(Number);
// Events per size and round: at least 50 groups each.
const EVENTS = Number(arg('events', '20000'));
const USERS = 2_000;

const db = await freshDatabase('postgres', SERVER, 'pishkhan_bench_groups');
const { built } = await startHub(db.opened);
try {
  const signup = await built.app.inject({
    method: 'POST',
    url: '/api/signup',
    payload: { email: 'groups@example.com', password: 'a-long-Passw0rd!', workspace: 'groups' },
  });
  const { workspaceId } = signup.json() as { workspaceId: string };
  const source = { sourceId: null, sourceName: 'bench', channel: 'web', traitPriority: 0 };
  let offset = 0;
  const eventsOf = (count: number) => {
    const raw = Buffer.from(JSON.stringify({ batch: makeEvents({ count, offset, users: USERS }) }));
    offset += count;
    const parsed = parseIngestBody({ raw, gzip: false, endpoint: 'batch' });
    if (parsed.isErr()) throw new Error(parsed.error.message);
    return eventsOfBody(parsed.value, new Date(), source);
  };
  const { ingest } = built.hub;
  // Every user's profile and identifiers exist before the measured groups: known customers.
  for (let sent = 0; sent < USERS * 5; sent += 500)
    await ingest.ingest({ workspaceId, events: eventsOf(500) });

  console.log(
    `Ingest groups of known customers, one after another, on PostgreSQL (${EVENTS / 2} events per size and round)`,
  );
  // The first round warms the code the sizes share; read the second.
  for (const round of [1, 2]) {
    for (const size of SIZES) {
      const groups = Array.from({ length: Math.max(50, Math.round(EVENTS / size / 2)) }, () =>
        eventsOf(size),
      );
      const hubAtStart = process.cpuUsage();
      const serverAtStart = serverCpuSeconds() ?? 0;
      const started = performance.now();
      for (const events of groups) await ingest.ingest({ workspaceId, events });
      const wallMs = (performance.now() - started) / groups.length;
      const hubCpu = process.cpuUsage(hubAtStart);
      const hubUs = (hubCpu.user + hubCpu.system) / groups.length;
      const serverUs = (((serverCpuSeconds() ?? 0) - serverAtStart) * 1e6) / groups.length;
      console.log(
        `  round ${round}, ${String(size).padStart(3)} events a group: ${fmt(wallMs, 2)} ms, CPU hub ${fmt(hubUs)} µs, PostgreSQL ${fmt(serverUs)} µs a group; per event hub ${fmt(hubUs / size, 1)}, PostgreSQL ${fmt(serverUs / size, 1)} µs`,
      );
    }
  }
} finally {
  await built.close();
  await db.opened.close();
  await db.drop();
}
