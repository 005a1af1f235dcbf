// Extra ingest processes (PISHKHAN_INGEST_WORKERS): one process of JavaScript is the ingest
// limit on a machine with cores to spare (docs/benchmarks.md, "Ingest (issue 2)"), so the Segment
// API can run in several, sharing one port through node:cluster. Only on a PostgreSQL server:
// PGlite is one process's embedded database.
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { createWorkerMetrics } from './ingest-worker-metrics.ts';

export type IngestWorkers = {
  /** The shared port's address, as the first worker reported it. */
  address: string;
  pids(): number[];
  /** Lets every worker finish its queued events, then ends them. */
  stop(): Promise<void>;
};

export async function startIngestWorkers(options: {
  count: number;
  databaseUrl: string;
  port: number;
  host: string;
  logLevel: string;
  logger: Logger;
  /** The hub's registry: its /metrics then adds up the workers' figures (ingest-worker-metrics.ts). */
  metrics?: Metrics;
}): Promise<IngestWorkers> {
  // The worker is TypeScript: `npm start` runs under tsx, whose loader the fork inherits; under
  // another runner (tests) it is added.
  const execArgv = process.execArgv.some((a) => a.includes('tsx'))
    ? process.execArgv
    : [...process.execArgv, '--import', 'tsx'];
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./ingest-worker.ts', import.meta.url)), execArgv });
  const env = {
    DATABASE_URL: options.databaseUrl,
    PISHKHAN_INGEST_PORT: String(options.port),
    HOST: options.host,
    LOG_LEVEL: options.logLevel,
  };
  const workers = new Set<Worker>();
  const workerMetrics = createWorkerMetrics({ answerWithinMs: 1000 });
  options.metrics?.includeOtherProcesses(() => workerMetrics.collect(workers));
  let started = false;
  let stopping = false;
  const fork = () =>
    new Promise<string>((resolve, reject) => {
      const worker = cluster.fork(env);
      workers.add(worker);
      workerMetrics.watch(worker);
      worker.once('listening', (address) =>
        resolve(`http://${address.address ?? options.host}:${address.port}`),
      );
      worker.once('exit', (code) => {
        workers.delete(worker);
        reject(new Error(`ingest worker ${worker.process.pid} ended with ${code}`));
        // A worker that dies while the hub runs is replaced (one that fails to start fails the
        // start); its unanswered requests fail and are resent by the client (messageId makes a
        // resend safe).
        if (started && !stopping) {
          options.logger.error(`ingest worker ${worker.process.pid} ended (${code}): starting another`);
          void fork().catch(() => undefined);
        }
      });
    });
  const addresses = await Promise.all(Array.from({ length: options.count }, fork));
  started = true;
  // Port 0 (tests, benches) is one random port shared by every worker, as a fixed one is.
  if (new Set(addresses).size > 1)
    throw new Error(`ingest workers on different ports: ${addresses.join(', ')}`);
  return {
    address: addresses[0]!,
    pids: () => [...workers].map((w) => w.process.pid!),
    async stop() {
      stopping = true;
      await Promise.all(
        [...workers].map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.once('exit', () => resolve());
              worker.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
