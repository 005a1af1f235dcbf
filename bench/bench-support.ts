// Shared by the benchmarks: a fresh database (server or PGlite), a hub on a real socket, figures.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp, type BuiltApp } from '../packages/server/src/app.ts';
import { createLogger } from '../packages/server/src/core/logger.ts';
import { keepRequestObjectsYoung } from '../packages/server/src/core/keep-request-objects-young.ts';
import { openDatabase, type OpenedDatabase } from '../packages/server/src/db/open-database.ts';
import { createScratchDatabase } from '../packages/server/src/db/scratch-database.ts';

export type BenchDb = {
  kind: 'postgres' | 'pglite';
  url: string | null;
  opened: OpenedDatabase;
  drop(): Promise<void>;
};

export function arg(name: string, fallback: string): string {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

export async function freshDatabase(
  kind: 'postgres' | 'pglite',
  serverUrl: string,
  prefix = 'pishkhan_bench',
): Promise<BenchDb> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'pishkhan-bench-'));
    const opened = await openDatabase({ dataDir: dir });
    return { kind, url: null, opened, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const scratch = await createScratchDatabase(serverUrl, prefix);
  const opened = await openDatabase({ databaseUrl: scratch.url });
  return { kind, url: scratch.url, opened, drop: scratch.drop };
}

/** The hub on a real socket, with the V8 settings `npm start` gives it (main.ts). */
export async function startHub(opened: OpenedDatabase): Promise<{ built: BuiltApp; base: string }> {
  if (!process.argv.includes('--pretenuring')) keepRequestObjectsYoung();
  const known = arg('known-identifiers', '');
  const parseThreads = arg('parse-threads', '');
  const flushMs = arg('flush-ms', '');
  const built = await buildApp({
    db: opened.db,
    logger: createLogger('warn'),
    ingestFlushMs: flushMs === '' ? undefined : Number(flushMs),
    knownIdentifiers: known === '' ? undefined : Number(known),
    parseThreads: parseThreads === '' ? undefined : Number(parseThreads),
  });
  const base = await built.app.listen({ port: 0, host: '127.0.0.1' });
  return { built, base };
}

/** A JSON POST to a hub's API at `base`, as a user's client sends it; the answer's body. Fails on any answer but 2xx. */
export async function postJson<T>(base: string, path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function progress(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(
    `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round((done / total) * 100)}%${done >= total ? '\n' : ''}`,
  );
}

/**
 * `--<flag>=<file>`: records one phase of the bench (set-up left out) through the V8 inspector,
 * from this call to `stop()`, and writes the profile `end` returns to the file.
 */
async function recordPhase(
  flag: string,
  begin: (session: Session) => Promise<void>,
  end: (session: Session) => Promise<{ profile: object }>,
): Promise<{ stop(): Promise<void> }> {
  const file = arg(flag, '');
  if (!file) return { stop: async () => undefined };
  const session = new Session();
  session.connect();
  await begin(session);
  return {
    async stop() {
      const { profile } = await end(session);
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** `--cpuprofile=<file>`: a V8 CPU profile of this process, for Chrome DevTools or any .cpuprofile reader. */
export const cpuProfileOfPhase = () =>
  recordPhase(
    'cpuprofile',
    async (session) => {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    },
    (session) => session.post('Profiler.stop'),
  );

/**
 * `--heapprofile=<file>`: a V8 sampling heap profile of the objects that outlived the young
 * generation (collected later by a major GC, or still alive): where the old space's growth — and
 * so the major collections — comes from. For any .heapprofile reader.
 */
export const promotedAllocationsOfPhase = () =>
  recordPhase(
    'heapprofile',
    async (session) => {
      await session.post('HeapProfiler.enable');
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 16_384,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: false,
      });
    },
    (session) => session.post('HeapProfiler.stopSampling'),
  );

/**
 * CPU seconds of a process from Linux's /proc, with its command name; null when it is gone.
 * `reaped`: the CPU of its children that ended, which it has waited for, is counted too.
 */
export function procCpu(pid: string, reaped = false): { name: string; seconds: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis start at the 3rd; utime and stime are the
    // 14th and 15th, cutime and cstime (of reaped children) the 16th and 17th, in ticks of 1/100 s.
    const fields = stat
      .slice(stat.lastIndexOf(') ') + 2)
      .split(' ')
      .slice(11, reaped ? 15 : 13);
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(') '));
    return { name, seconds: fields.reduce((sum, ticks) => sum + Number(ticks), 0) / 100 };
  } catch {
    return null;
  }
}

/**
 * Seconds a process's main thread has run, and has waited runnable for a core (Linux's schedstat);
 * null where /proc has no such figures. On two cores shared with the database, the wait is part of
 * every call's latency (docs/benchmarks.md, "Ingest", fourteenth session).
 */
export function mainThreadSchedule(pid: number): { ran: number; waited: number } | null {
  try {
    const [ran, waited] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ');
    return { ran: Number(ran) / 1e9, waited: Number(waited) / 1e9 };
  } catch {
    return null;
  }
}

/**
 * CPU seconds of every PostgreSQL process on this machine (a local server), null when none is seen.
 * A backend whose connection closes takes its CPU with it; the postmaster that reaps it keeps it.
 */
export function serverCpuSeconds(): number | null {
  let seconds: number | null = null;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const proc = procCpu(pid, true);
    if (proc?.name === 'postgres') seconds = (seconds ?? 0) + proc.seconds;
  }
  return seconds;
}
