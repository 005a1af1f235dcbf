// The ingest processes' figures in the hub's /metrics. When the hub is scraped it asks every ingest
// process for its figures over node:cluster's IPC channel (no port of their own) and adds them to
// its own, series by series, so a dashboard reads the same with or without ingest processes.
// A process that does not answer in time (busy) counts with the figures it last sent, and an ended
// one's last figures stay in the sums: a counter the hub reports never goes down.
import type { Worker } from 'node:cluster';
import { addUp, type Metrics, type MetricsSnapshot } from '../core/metrics.ts';

const ASK = 'pishkhan:metrics-wanted';
const REPORT = 'pishkhan:metrics';
type Report = { type: typeof REPORT; snapshot: MetricsSnapshot };

const isMessage = (message: unknown, type: string): message is { type: string } =>
  typeof message === 'object' && message !== null && 'type' in message && message.type === type;
const isReport = (message: unknown): message is Report => isMessage(message, REPORT);

/** In an ingest process: answers the hub's asks; `report()` sends the figures unasked (at exit). */
export function answerMetricsAsks(metrics: Metrics): { report(): Promise<void> } {
  const report = () =>
    new Promise<void>((resolve) => {
      if (!process.send || !process.connected) return resolve();
      const message: Report = { type: REPORT, snapshot: metrics.snapshot() };
      process.send(message, undefined, {}, () => resolve());
    });
  process.on('message', (message) => {
    if (isMessage(message, ASK)) void report();
  });
  return { report };
}

/** In the hub: the ingest processes' latest figures, asked for afresh on every `collect`. */
export function createWorkerMetrics(options: { answerWithinMs: number }) {
  const latest = new Map<number, MetricsSnapshot>();
  let ended: MetricsSnapshot = { counters: {}, histograms: {} };
  const waiting = new Map<number, Set<() => void>>();
  const settle = (workerId: number) => [...(waiting.get(workerId) ?? [])].forEach((done) => done());
  const ask = (worker: Worker) =>
    new Promise<void>((resolve) => {
      const asks = waiting.get(worker.id) ?? new Set();
      waiting.set(worker.id, asks);
      const done = () => {
        clearTimeout(timer);
        asks.delete(done);
        resolve();
      };
      const timer = setTimeout(done, options.answerWithinMs);
      asks.add(done);
      // An error: the process is ending and will not answer.
      worker.send({ type: ASK }, undefined, {}, (error) => error && done());
    });
  return {
    watch(worker: Worker) {
      worker.on('message', (message: unknown) => {
        if (!isReport(message)) return;
        latest.set(worker.id, message.snapshot);
        settle(worker.id);
      });
      // Not 'exit', which may come before the last message is read: the channel closes after it.
      worker.once('disconnect', () => {
        const last = latest.get(worker.id);
        if (last) ended = addUp([ended, last]);
        latest.delete(worker.id);
        settle(worker.id);
      });
    },
    async collect(workers: Iterable<Worker>): Promise<MetricsSnapshot[]> {
      await Promise.all([...workers].filter((w) => w.isConnected()).map(ask));
      return [ended, ...latest.values()];
    },
  };
}
