// Ingest benchmark: sustained HTTP ingest (Segment batch calls; identity resolution, profile and
// timeline writes included) against the raw limit of the same database, COPY of the same event
// rows into a bare table. Then the latency at half the measured load. On a PostgreSQL server the
// hub runs in a process of its own, as deployed (hub-under-test.ts); on PGlite in the bench's.
//   npm run bench -- [--db=postgres|pglite|both] [--events=200000] [--users=events/10] [--batch=500] [--concurrency=16]
//                    [--ingest-workers=0]   (PostgreSQL: the load goes to that many ingest processes, as
//                                            PISHKHAN_INGEST_WORKERS starts them; their CPU is counted as the hub's)
//                    [--latency-seconds=15] [--latency-warmup=3]   (half load: measured seconds, after the first ones)
//                    [--throughput-rounds=3] (the steady state in rounds, each the hub's then the raw COPY's)
//                    [--latency-rounds=3]   (half load in rounds, each the hub's then PostgreSQL alone's at that rate)
//                    [--half-load=N]        (events/s of the latency phase instead of half the measured steady state)
//                    [--cpuprofile=<file>] [--heapprofile=<file>]  (the hub's CPU in the steady state; its promoted
//                                            allocations at half load)
//                    [--known-identifiers=N]  (PISHKHAN_KNOWN_IDENTIFIERS; 0: every identifier looked up)
//                    [--flush-ms=0]         (INGEST_FLUSH_MS: how long an idle hub gathers requests into a group)
//                    [--parse-threads=N]    (PISHKHAN_PARSE_THREADS; 0: bodies parsed on the hub's main thread)
//                    [--wal=ready|as-found] (the server's WAL segments before the latency phase; wal-segments.ts)
//                    [--pretenuring]        (leave V8's allocation-site pretenuring on, as before keepRequestObjectsYoung)
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { copyIn } from '../packages/server/src/db/copy-in.ts';
import { copyTextChunks } from '../packages/server/src/db/copy-text.ts';
import { EVENT_COLUMNS } from '../packages/server/src/ingest/write-batch.ts';
import { startIngestWorkers, type IngestWorkers } from '../packages/server/src/ingest/ingest-workers.ts';
import { createLogger } from '../packages/server/src/core/logger.ts';
import { defaultParseThreads } from '../packages/server/src/api/http-app.ts';
import { SESSION_SETTINGS } from '../packages/server/src/db/database.ts';
import {
  arg,
  fmt,
  freshDatabase,
  mainThreadSchedule,
  percentile,
  postJson,
  procCpu,
  progress,
  serverCpuSeconds,
  type BenchDb,
} from './bench-support.ts';
import { startHubUnderTest, type HubUnderTest } from './hub-under-test.ts';
import { prepareRawLatency } from './raw-latency.ts';
import { countWalSegmentsCreated, readyWalSegments } from './wal-segments.ts';

const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const EVENTS = Number(arg('events', '200000'));
const BATCH = Number(arg('batch', '500'));
// Enough clients that requests always wait at the hub: with 4 a group took every waiting request,
// all clients waited for the same commit and the hub's thread sat idle ~40 % of the time (a
// convoy, not the hub's capacity; fifth session). With a parsing thread the hub answers faster,
// and 8 clients left the cores idle part of the time again; 16 and 32 give the same rate (sixth).
const CONCURRENCY = Number(arg('concurrency', '16'));
const LATENCY_BATCH = Number(arg('latency-batch', '50'));
// Issue 2's target: p99 of an ingest call under this at half load.
const LATENCY_TARGET_MS = 50;
const LATENCY_SECONDS = Number(arg('latency-seconds', '15'));
const LATENCY_WARMUP_SECONDS = Number(arg('latency-warmup', '3'));
const LATENCY_ROUNDS = Number(arg('latency-rounds', '3'));
const THROUGHPUT_ROUNDS = Number(arg('throughput-rounds', '3'));
const INGEST_WORKERS = Number(arg('ingest-workers', '0'));
// The latency phase's load; by default half the steady state just measured.
const HALF_LOAD = Number(arg('half-load', '0'));
// `ready`: the latency phase meets the server's WAL as steady ingest leaves it (wal-segments.ts);
// `as-found`: as the earlier phases left it, as the benchmark ran until the sixteenth session.
const WAL = arg('wal', 'ready');

/**
 * `hubCpuSeconds`: CPU of the hub's processes meanwhile; `serverCpuSeconds`: of a PostgreSQL server
 * on this machine (null when none is seen); `cpuSeconds`: the load generator's.
 */
type LoadResult = {
  seconds: number;
  latencies: number[];
  cpuSeconds: number;
  hubCpuSeconds: number;
  serverCpuSeconds: number | null;
};

const USERS = Number(arg('users', String(Math.floor(EVENTS / 10))));

type LoadTarget = { url: string; hub: HubUnderTest; workers: IngestWorkers | null };

/** CPU seconds the hub has used: its process, and its ingest workers (read from Linux's /proc). */
function hubCpuSeconds(target: LoadTarget): number {
  let seconds = 0;
  for (const pid of [target.hub.pid, ...(target.workers?.pids() ?? [])])
    seconds += procCpu(String(pid))?.seconds ?? 0;
  return seconds;
}

function load(
  target: LoadTarget,
  writeKey: string,
  events: { count: number; offset: number; users: number; batch: number },
  options: { concurrency: number; ratePerSecond: number | null },
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // --expose-gc: the worker collects the garbage of building its calls before its clock starts.
    const child = fork(new URL('./load-worker.mjs', import.meta.url), {
      execArgv: [...process.execArgv, '--expose-gc'],
    });
    let hubCpuAtStart = hubCpuSeconds(target);
    let serverCpuAtStart = serverCpuSeconds();
    child.send(
      {
        url: target.url,
        auth: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
        events,
        ...options,
      },
      () => {
        hubCpuAtStart = hubCpuSeconds(target);
        serverCpuAtStart = serverCpuSeconds();
      },
    );
    child.once(
      'message',
      (m: Pick<LoadResult, 'seconds' | 'latencies' | 'cpuSeconds'> & { error?: string }) => {
        const hubCpu = hubCpuSeconds(target) - hubCpuAtStart;
        const serverCpu = serverCpuSeconds();
        if (m.error) reject(new Error(m.error));
        else
          resolve({
            ...m,
            hubCpuSeconds: hubCpu,
            serverCpuSeconds:
              serverCpu !== null && serverCpuAtStart !== null ? serverCpu - serverCpuAtStart : null,
          });
      },
    );
    child.once('error', reject);
    // A load generator that ends without its report (killed, out of memory) must fail the run, not hang it.
    child.once('exit', (code, signal) =>
      reject(new Error(`the load generator ended before reporting (${signal ?? code})`)),
    );
  });
}

/**
 * The raw limit: the same rows appended to a bare table — no index at all, or (`indexed`) the
 * events table's own primary key and timeline index, which any store of these events keeps.
 */
async function rawCopyRate(db: BenchDb, indexed: boolean, count: number): Promise<number> {
  const columns = EVENT_COLUMNS;
  const rows = await db.opened.db.asSystem((tx) =>
    tx.query<Record<string, unknown>>(`SELECT ${columns.join(',')} FROM events LIMIT $1`, [count]),
  );
  await db.opened.db.exec(
    `DROP TABLE IF EXISTS bench_raw_events; CREATE TABLE bench_raw_events (LIKE events${indexed ? ' INCLUDING INDEXES' : ''})`,
  );
  const matrix = rows.map((r) => columns.map((c) => r[c]));
  const started = performance.now();
  if (db.kind === 'postgres') {
    const client = new pg.Client({ connectionString: db.url! });
    await client.connect();
    // The hub's session settings, so the two write alike.
    await client.query(SESSION_SETTINGS);
    for (let i = 0; i < matrix.length; i += BATCH) {
      // Encoded by the hub's own COPY encoder and sent as the hub sends it, inside the timing.
      await copyIn(
        client,
        `COPY bench_raw_events (${columns.join(',')}) FROM STDIN`,
        copyTextChunks(matrix.slice(i, i + BATCH)),
      );
    }
    await client.end();
  } else {
    // PGlite has no client COPY stream: its fastest bulk path is COPY from a blob, as the hub's.
    for (let i = 0; i < matrix.length; i += BATCH)
      await db.opened.db.asSystem((tx) =>
        tx.appendRows('bench_raw_events', columns, matrix.slice(i, i + BATCH)),
      );
  }
  return matrix.length / ((performance.now() - started) / 1000);
}

/**
 * The calls over the target and how they cluster: calls leave on schedule, so call i left at
 * i / callsPerSecond s; in how many of the phase's quarter-seconds any call was over the target. A few
 * dense quarters are a stall of the machine or the disk; many sparse ones, a tail of the hub's own.
 */
function slowCallsIn(latencies: number[], callsPerSecond: number): SlowCalls {
  const quarter = (i: number) => Math.floor((i / callsPerSecond) * 4);
  const slow = latencies.flatMap((ms, i) => (ms > LATENCY_TARGET_MS ? [i] : []));
  return {
    count: slow.length,
    quarters: new Set(slow.map(quarter)).size,
    of: quarter(latencies.length - 1) + 1,
    inFirstSecond: slow.filter((i) => i < callsPerSecond).length,
  };
}

/**
 * `inFirstSecond`: those that left in the first second of a round's measured calls; in every round
 * but the first, that is just after the hub sat idle through PostgreSQL alone's round.
 */
type SlowCalls = { count: number; quarters: number; of: number; inFirstSecond: number };

/** The slow calls of several rounds, as of one phase. */
const sumOfSlowCalls = (rounds: SlowCalls[]): SlowCalls => ({
  count: rounds.reduce((n, r) => n + r.count, 0),
  quarters: rounds.reduce((n, r) => n + r.quarters, 0),
  of: rounds.reduce((n, r) => n + r.of, 0),
  inFirstSecond: rounds.reduce((n, r) => n + r.inFirstSecond, 0),
});

/** Groups the hub's ingest pipeline has committed (transactions of events), from its /metrics. */
async function committedGroups(hub: HubUnderTest) {
  const text = await (await fetch(`${hub.base}/metrics`)).text();
  return Number(/^pishkhan_ingest_flush_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? NaN);
}

const serverCpuPerEvent = (kind: 'postgres' | 'pglite', seconds: number | null, events: number) =>
  kind === 'postgres' && seconds !== null ? (seconds / events) * 1e6 : null;

async function benchOne(kind: 'postgres' | 'pglite') {
  const db = await freshDatabase(kind, SERVER);
  const hub = await startHubUnderTest(db);
  let stopWorkers: (() => Promise<void>) | null = null;
  // PostgreSQL alone's connections, closed before the database is dropped even when a phase fails:
  // a connection the drop ends fails the run with that instead of the phase's own error.
  let closeRawLatency: (() => Promise<void>) | null = null;
  try {
    const { token } = await postJson<{ token: string }>(hub.base, '/api/signup', {
      email: `bench-${kind}@example.com`,
      password: 'a-long-Passw0rd!',
      workspace: 'bench',
    });
    const { writeKey } = await postJson<{ writeKey: string }>(
      hub.base,
      '/api/sources',
      { name: 'bench' },
      token,
    );
    // With ingest workers the load goes to their port, as a deployment's Segment clients would.
    const workers =
      INGEST_WORKERS > 0 && db.url
        ? await startIngestWorkers({
            count: INGEST_WORKERS,
            databaseUrl: db.url,
            port: 0,
            host: '127.0.0.1',
            logLevel: 'warn',
            logger: createLogger('warn'),
          })
        : null;
    stopWorkers = workers ? () => workers.stop() : null;
    const url = { url: `${workers?.address ?? hub.base}/v1/batch`, hub, workers };

    // Closed loop: each client sends its next batch when the last one is answered.
    const saturating = { concurrency: CONCURRENCY, ratePerSecond: null };
    progress(`${kind}: warm-up`, 0, 1);
    await load(url, writeKey, { count: 5_000, offset: 10_000_000, users: 500, batch: BATCH }, saturating);
    progress(`${kind}: warm-up`, 1, 1);
    // First every user is new (profiles and identities are created), then the same users send
    // again (the steady state of a running hub: events of known customers).
    const firstSeen = await load(
      url,
      writeKey,
      { count: EVENTS, offset: 0, users: USERS, batch: BATCH },
      saturating,
    );
    const newRate = EVENTS / firstSeen.seconds;
    // The steady state alternates with the raw COPY of as many rows, round by round, as the latency
    // phase below does with PostgreSQL alone: here either rate moves by half from one minute to the
    // next, and a ratio of two rates measured minutes apart measured that.
    const roundEvents = Math.round(EVENTS / THROUGHPUT_ROUNDS);
    // The raw COPY encodes its rows in this process, which the hub (in a process of its own on a
    // server) no longer warms: one round first, not counted, so no round measures V8 compiling it.
    await rawCopyRate(db, false, roundEvents);
    const throughput = { seconds: 0, latencies: [] as number[], hubCpu: 0, loadCpu: 0, serverCpu: 0 };
    let copySeconds = 0;
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      // --cpuprofile=<file>: a V8 CPU profile of the hub during the first round.
      if (round === 0) await hub.probe('begin-cpu-profile');
      const part = await load(
        url,
        writeKey,
        { count: roundEvents, offset: 30_000_000 + round, users: USERS, batch: BATCH },
        saturating,
      );
      if (round === 0) await hub.probe('end-cpu-profile');
      throughput.seconds += part.seconds;
      throughput.latencies.push(...part.latencies);
      throughput.hubCpu += part.hubCpuSeconds;
      throughput.loadCpu += part.cpuSeconds;
      throughput.serverCpu += part.serverCpuSeconds ?? NaN;
      copySeconds += roundEvents / (await rawCopyRate(db, false, roundEvents));
    }
    const steadyEvents = roundEvents * THROUGHPUT_ROUNDS;
    const hubRate = steadyEvents / throughput.seconds;
    const copyRate = steadyEvents / copySeconds;

    // The latency phase alternates the hub and PostgreSQL alone at the same rate, round by round,
    // so both meet the same moods of the machine (see raw-latency.ts).
    const raw = await prepareRawLatency(db, LATENCY_BATCH);
    closeRawLatency = () => raw.close();
    // Start the latency phase from a settled database: the saturating phases above leave a
    // checkpoint's worth of WAL behind, whose flush would otherwise land in the first seconds.
    const walFiles = db.url && WAL === 'ready' ? await readyWalSegments(db.url) : null;
    if (walFiles === null) await db.opened.db.exec('CHECKPOINT');
    await new Promise((r) => setTimeout(r, 2000));
    const halfRate = HALF_LOAD > 0 ? HALF_LOAD : hubRate / 2;
    const callsPerSecond = halfRate / LATENCY_BATCH;
    // The first seconds after a checkpoint are its own regime: every index page an event touches
    // first logs a full-page image. A server checkpoints every few minutes, so they are reported
    // apart (the first round of each carries them), and the target is read on the calls after them.
    const warmupCalls = Math.round(callsPerSecond * LATENCY_WARMUP_SECONDS);
    const roundCalls = Math.round((callsPerSecond * LATENCY_SECONDS) / LATENCY_ROUNDS);
    // `settled`: the calls after each round's first second (see SlowCalls' `inFirstSecond`).
    const callLog = () => ({
      latencies: [] as number[],
      afterCheckpoint: [] as number[],
      settled: [] as number[],
      slow: [] as SlowCalls[],
    });
    const hubCalls = callLog();
    const rawCalls = callLog();
    const totals = {
      seconds: 0,
      events: 0,
      hubCpu: 0,
      loadCpu: 0,
      serverCpu: 0,
      groups: 0,
      rawEvents: 0,
      rawServerCpu: 0,
      walCreated: 0,
      rawWalCreated: 0,
      mainThreadRan: 0,
      mainThreadWaited: 0,
    };
    const halfGcPauses: number[] = [];
    // --heapprofile=<file>: where the hub's promoted allocations come from in this phase.
    await hub.probe('begin-heap-profile');
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      const warmup = round === 0 ? warmupCalls : 0;
      const calls = roundCalls + warmup;
      const groupsBefore = await committedGroups(hub);
      await hub.probe('begin-gc-pauses');
      const threadBefore = mainThreadSchedule(hub.pid);
      const walCreated = db.url ? await countWalSegmentsCreated(db.url) : null;
      const paced = await load(
        url,
        writeKey,
        { count: calls * LATENCY_BATCH, offset: 20_000_000 + round, users: USERS, batch: LATENCY_BATCH },
        // Open loop: calls leave on schedule whether or not earlier ones were answered.
        { concurrency: 1, ratePerSecond: callsPerSecond },
      );
      const threadAfter = mainThreadSchedule(hub.pid);
      totals.walCreated += (await walCreated?.()) ?? NaN;
      totals.mainThreadRan += threadAfter && threadBefore ? threadAfter.ran - threadBefore.ran : NaN;
      totals.mainThreadWaited += threadAfter && threadBefore ? threadAfter.waited - threadBefore.waited : NaN;
      halfGcPauses.push(...((await hub.probe('end-gc-pauses')) as number[]));
      totals.groups += (await committedGroups(hub)) - groupsBefore;
      totals.seconds += paced.seconds;
      totals.events += calls * LATENCY_BATCH;
      totals.hubCpu += paced.hubCpuSeconds;
      totals.loadCpu += paced.cpuSeconds;
      totals.serverCpu += paced.serverCpuSeconds ?? NaN;
      const rawWalCreated = db.url ? await countWalSegmentsCreated(db.url) : null;
      const alone = await raw.round(calls, callsPerSecond);
      totals.rawWalCreated += (await rawWalCreated?.()) ?? NaN;
      totals.rawEvents += calls * LATENCY_BATCH;
      totals.rawServerCpu += alone.serverCpuSeconds ?? NaN;
      for (const [into, latencies] of [
        [hubCalls, paced.latencies],
        [rawCalls, alone.latencies],
      ] as const) {
        into.afterCheckpoint.push(...latencies.slice(0, warmup));
        into.latencies.push(...latencies.slice(warmup));
        into.settled.push(...latencies.slice(warmup + Math.ceil(callsPerSecond)));
        into.slow.push(slowCallsIn(latencies.slice(warmup), callsPerSecond));
      }
    }
    await hub.probe('end-heap-profile');
    closeRawLatency = null;
    await raw.close();
    // Into a table with the events' indexes, last: its WAL must not slow the hub's latency phase.
    const indexedRates = [];
    for (let i = 0; i < 3; i++) indexedRates.push(await rawCopyRate(db, true, EVENTS));
    const indexedCopyRate = indexedRates.sort((a, b) => a - b)[1]!;

    return {
      kind,
      hubRate,
      newRate,
      copyRate,
      indexedCopyRate,
      ratio: hubRate / copyRate,
      batchP99: percentile(throughput.latencies, 99),
      // CPU per event, µs: the hub's process, and the load generator's (both on this machine's cores).
      hubCpuNew: (firstSeen.hubCpuSeconds / EVENTS) * 1e6,
      hubCpu: (throughput.hubCpu / steadyEvents) * 1e6,
      loadCpu: (throughput.loadCpu / steadyEvents) * 1e6,
      // The server's processes: none on PGlite (a PostgreSQL server seen idle beside it is not its own).
      serverCpu: serverCpuPerEvent(kind, throughput.serverCpu, steadyEvents),
      halfRate,
      p50: percentile(hubCalls.latencies, 50),
      p99: percentile(hubCalls.latencies, 99),
      settledP99: percentile(hubCalls.settled, 99),
      afterCheckpoint: hubCalls.afterCheckpoint,
      slowCalls: sumOfSlowCalls(hubCalls.slow),
      raw: {
        p50: percentile(rawCalls.latencies, 50),
        p99: percentile(rawCalls.latencies, 99),
        settledP99: percentile(rawCalls.settled, 99),
        afterCheckpoint: rawCalls.afterCheckpoint,
        slowCalls: sumOfSlowCalls(rawCalls.slow),
        serverCpu: serverCpuPerEvent(kind, totals.rawServerCpu, totals.rawEvents),
      },
      // CPU per event at half load: 50-event calls cost more per event than the saturating phase's.
      halfHubCpu: (totals.hubCpu / totals.events) * 1e6,
      halfLoadCpu: (totals.loadCpu / totals.events) * 1e6,
      halfServerCpu: serverCpuPerEvent(kind, totals.serverCpu, totals.events),
      halfGroups: { perSecond: totals.groups / totals.seconds, events: totals.events / totals.groups },
      halfGcPauses,
      wal: { ready: walFiles, created: totals.walCreated, rawCreated: totals.rawWalCreated },
      // Per second of the calls' schedule (the load generator's set-up before it adds ~nothing).
      halfMainThread: {
        ran: totals.mainThreadRan / totals.seconds,
        waited: totals.mainThreadWaited / totals.seconds,
      },
    };
  } finally {
    await closeRawLatency?.();
    await stopWorkers?.();
    await hub.close();
    await db.opened.close();
    await db.drop();
  }
}

const which = arg('db', 'both');
const kinds =
  which === 'both' ? (['postgres', 'pglite'] as const) : ([which as 'postgres' | 'pglite'] as const);
const PARSE_THREADS = arg('parse-threads', String(defaultParseThreads()));
// `npm start` gives the hub a 64 MB young generation (package.json); `npm run bench` gives it to the
// hub here too. Said in the header, so a run without it (npx tsx …) is seen for what it is.
const youngGeneration =
  process.execArgv.find((f) => f.startsWith('--max-semi-space-size')) ?? "V8's default young generation";
console.log(
  `Ingest benchmark: ${fmt(EVENTS)} events (~500 B, 10% identify with email+phone) of ${fmt(USERS)} users, batches of ${BATCH}, ${CONCURRENCY} concurrent HTTP clients${INGEST_WORKERS > 0 ? `, ${INGEST_WORKERS} ingest worker processes` : ''}; hub: ${youngGeneration}, ${PARSE_THREADS} parsing thread(s)`,
);
for (const kind of kinds) {
  const r = await benchOne(kind);
  const alone = r.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  console.log(`\n[${r.kind}]`);
  console.log(
    `  hub over HTTP, every user new (profiles created) ${fmt(r.newRate).padStart(9)} events/s   ratio ${fmt(r.newRate / r.copyRate, 2)}`,
  );
  console.log(
    `  hub over HTTP, known customers (steady state)    ${fmt(r.hubRate).padStart(9)} events/s   (p99 of a ${BATCH}-event batch: ${fmt(r.batchP99, 1)} ms)`,
  );
  console.log(
    `  hub process CPU per event: every user new ${fmt(r.hubCpuNew, 1)} µs, known customers ${fmt(r.hubCpu, 1)} µs   (load generator ${fmt(r.loadCpu, 1)} µs${r.serverCpu === null ? '' : `, PostgreSQL server ${fmt(r.serverCpu, 1)} µs`})`,
  );
  console.log(
    `  raw ${r.kind === 'postgres' ? 'COPY' : 'COPY from a blob'} of the same rows, bare table, in rounds between the steady state's  ${fmt(r.copyRate).padStart(9)} rows/s`,
  );
  console.log(
    `  raw, same table with the events' primary key and timeline index (after the latency phase)  ${fmt(r.indexedCopyRate).padStart(9)} rows/s`,
  );
  console.log(
    `  ratio hub (steady state) / raw                   ${fmt(r.ratio, 2).padStart(9)}   (target ≥ 0.50 on a PostgreSQL server)`,
  );
  console.log(
    `  ratio hub (steady state) / raw with indexes      ${fmt(r.hubRate / r.indexedCopyRate, 2).padStart(9)}`,
  );
  if (r.serverCpu !== null) {
    // What this machine's cores could carry at the CPU each event costs here, however the work
    // were spread over them: the ceiling of the ratio before any change of the hub's code.
    const cores = availableParallelism();
    const ceiling = cores / ((r.hubCpu + r.serverCpu + r.loadCpu) / 1e6);
    console.log(
      `  CPU ceiling: ${cores} cores at ${fmt(r.hubCpu + r.serverCpu + r.loadCpu, 1)} µs per event carry at most ${fmt(ceiling)} events/s, ratio ${fmt(ceiling / r.copyRate, 2)}; used ${fmt((r.hubRate * (r.hubCpu + r.serverCpu + r.loadCpu)) / 1e6, 2)} cores`,
    );
  }
  console.log(
    `  at half load (${fmt(r.halfRate)} events/s in ${LATENCY_BATCH}-event calls for ${fmt(LATENCY_SECONDS)} s, in ${LATENCY_ROUNDS} rounds): p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms   (target p99 < ${LATENCY_TARGET_MS} ms)`,
  );
  console.log(
    `    ${alone} alone, in rounds between the hub's (the same rows at the same rate, a COPY of ${LATENCY_BATCH} per transaction): p50 ${fmt(r.raw.p50, 1)} ms, p99 ${fmt(r.raw.p99, 1)} ms; the hub's p99 is ${fmt(r.p99 / r.raw.p99, 2)} times its`,
  );
  console.log(
    `    CPU per event at half load: hub ${fmt(r.halfHubCpu, 1)} µs, load generator ${fmt(r.halfLoadCpu, 1)} µs${r.halfServerCpu === null ? '' : `, PostgreSQL server ${fmt(r.halfServerCpu, 1)} µs (alone ${fmt(r.raw.serverCpu ?? NaN, 1)} µs); ${fmt((r.halfRate * (r.halfHubCpu + r.halfLoadCpu + r.halfServerCpu)) / 1e6, 2)} of ${availableParallelism()} cores used`}`,
  );
  if (Number.isFinite(r.wal.created))
    console.log(
      `    WAL segments: ${r.wal.ready === null ? 'as the earlier phases left them (--wal=as-found)' : `${fmt(r.wal.ready)} files in pg_wal at the start, readied as steady ingest leaves them`}; the server created ${fmt(r.wal.created)} during the hub's rounds, ${fmt(r.wal.rawCreated)} during PostgreSQL alone's`,
    );
  if (Number.isFinite(r.halfMainThread.ran))
    console.log(
      `    the hub's main thread at half load: ran ${fmt(r.halfMainThread.ran, 2)} s a second, waited for a core ${fmt(r.halfMainThread.waited, 2)} s a second`,
    );
  console.log(
    `    transactions at half load: ${fmt(r.halfGroups.perSecond)} a second, ${fmt(r.halfGroups.events)} events each; hub's collection pauses: ${r.halfGcPauses.length}, longest ${fmt(Math.max(0, ...r.halfGcPauses), 1)} ms, ${fmt(r.halfGcPauses.reduce((a, b) => a + b, 0))} ms in all`,
  );
  for (const [who, slow] of [
    ['the hub', r.slowCalls],
    [`${alone} alone`, r.raw.slowCalls],
  ] as const)
    console.log(
      `    calls over ${LATENCY_TARGET_MS} ms, ${who}: ${slow.count}, in ${slow.quarters} of ${slow.of} quarter-seconds (${slow.inFirstSecond} in the rounds' first seconds)`,
    );
  console.log(
    `    p99 after each round's first second: the hub ${fmt(r.settledP99, 1)} ms, ${alone} alone ${fmt(r.raw.settledP99, 1)} ms`,
  );
  for (const [who, first] of [
    ['the hub', r.afterCheckpoint],
    [`${alone} alone`, r.raw.afterCheckpoint],
  ] as const)
    if (first.length > 0)
      console.log(
        `    first ${fmt(LATENCY_WARMUP_SECONDS)} s of ${who} after the checkpoint (before the above): p50 ${fmt(percentile(first, 50), 1)} ms, p99 ${fmt(percentile(first, 99), 1)} ms, max ${fmt(Math.max(...first), 1)} ms`,
      );
}
