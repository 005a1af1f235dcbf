// Segment bodies are parsed, validated and normalised on parsing threads, off the thread that
// answers requests and runs the ingest pipeline, while more events wait to be written than a few
// groups hold: that thread is then the hub's ingest limit (docs/benchmarks.md, "Ingest", sixth
// session), and it only copies finished events in. Otherwise bodies are read in place, which
// answers sooner: at half load a 50-event body took 1.7 ms (p99 8–10 ms) through a parsing thread,
// against ~0.4 ms of work in place, and the hop's wake-ups cost more CPU than the reading. Small
// bodies, and any body while no thread is ready, are read in place too.
import { Worker } from 'node:worker_threads';
import { err, ok, type Result } from 'neverthrow';
import type { AppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { HubEvent } from './normalize-event.ts';
import { readSegmentBody, type ReadBody, type SegmentBody } from './read-segment-body.ts';

const READ_IN_PLACE_BELOW_BYTES = 8 * 1024;
// Saturating clients keep thousands of events waiting; at half load a few hundred wait, up to
// ~1,000 at moments (docs/benchmarks.md, "Ingest", tenth session).
const HOP_ABOVE_WAITING_EVENTS = 1_000;

export type BodyReaders = {
  read(body: SegmentBody): Promise<Result<HubEvent[], AppError>>;
  /** Ends the threads; bodies still being read fail. */
  close(): Promise<void>;
};

type Reply = { id: number; read?: ReadBody; failure?: string; ready?: true };
type Reading = { resolve(read: ReadBody): void; reject(error: Error): void };
type Thread = { worker: Worker; ready: boolean; pending: Map<number, Reading> };

// The thread's module is TypeScript, run by tsx as the rest of the hub: a new thread does not
// inherit the tsx loader of its process, so it registers it before importing the module.
const THREAD_URL = new URL('./body-reader-thread.ts', import.meta.url).href;
const BOOT_THREAD = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(THREAD_URL)}); })`;

/**
 * `threads`: at most this many, started on the first bodies worth one (0: none). `waitingEvents`:
 * how many events wait to be written (the ingest pipeline's); none given, bodies always hop.
 */
export function createBodyReaders(options: {
  threads: number;
  logger: Logger;
  waitingEvents?: () => number;
}): BodyReaders {
  const threads: Thread[] = [];
  let nextId = 0;
  let closed = false;
  const manyEventsWaiting = () =>
    !options.waitingEvents || options.waitingEvents() > HOP_ABOVE_WAITING_EVENTS;

  const start = (): void => {
    const thread: Thread = {
      worker: new Worker(BOOT_THREAD, { eval: true }),
      ready: false,
      pending: new Map(),
    };
    threads.push(thread);
    thread.worker.unref();
    thread.worker.on('message', (reply: Reply) => {
      if (reply.ready) thread.ready = true;
      const reading = thread.pending.get(reply.id);
      if (!reading) return;
      thread.pending.delete(reply.id);
      if (reply.read) reading.resolve(reply.read);
      else reading.reject(new Error(`reading a Segment body failed: ${reply.failure}`));
    });
    thread.worker.on('error', (error) => options.logger.error({ err: error }, 'body reader thread failed'));
    // A thread that ends fails what it was reading (those clients resend); the next body starts another.
    thread.worker.on('exit', (code) => {
      threads.splice(threads.indexOf(thread), 1);
      for (const waiting of thread.pending.values())
        waiting.reject(new Error(`the body reader thread ended (${code})`));
      if (!closed) options.logger.error(`body reader thread ended (${code})`);
    });
  };

  /** The ready thread with the fewest bodies waiting, if any is; starts one while fewer run than asked. */
  const threadFor = (): Thread | undefined => {
    let best: Thread | undefined;
    for (const t of threads) if (t.ready && (!best || t.pending.size < best.pending.size)) best = t;
    if (threads.length < options.threads && (!best || best.pending.size > 0)) start();
    return best;
  };

  return {
    async read(body) {
      const thread =
        body.raw.byteLength < READ_IN_PLACE_BELOW_BYTES || closed || !manyEventsWaiting()
          ? undefined
          : threadFor();
      let read: ReadBody;
      if (!thread) read = readSegmentBody(body);
      else {
        // The body's memory moves to the thread; a copy's, when the body shares its memory with others.
        const { buffer, byteOffset, byteLength } = body.raw;
        const whole = buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength;
        const raw = whole ? (body.raw as Uint8Array<ArrayBuffer>) : body.raw.slice();
        const id = nextId++;
        read = await new Promise<ReadBody>((resolve, reject) => {
          thread.pending.set(id, { resolve, reject });
          thread.worker.postMessage({ id, body: { ...body, raw } }, [raw.buffer]);
        });
      }
      return read.ok ? ok(read.events) : err(read.error);
    },
    async close() {
      closed = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
