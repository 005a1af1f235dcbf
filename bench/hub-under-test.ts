// The hub the ingest bench measures. On a PostgreSQL server it runs in a process of its own
// (hub-process.ts), as it is deployed; on PGlite in the bench's process, because the embedded
// database belongs to one process and the bench reads and writes it too.
import { fork } from 'node:child_process';
import { startHub, type BenchDb } from './bench-support.ts';
import type { HubReply, HubRequest } from './hub-process.ts';
import { hubProbes, type ProbeName } from './hub-probes.ts';

export type HubUnderTest = {
  /** Where it listens: `http://127.0.0.1:<port>`. */
  base: string;
  /** Its process, for its CPU. */
  pid: number;
  probe(name: ProbeName): Promise<unknown>;
  close(): Promise<void>;
};

type Pending = { resolve(result: unknown): void; reject(error: Error): void };

export async function startHubUnderTest(db: BenchDb): Promise<HubUnderTest> {
  if (db.url === null) {
    const { built, base } = await startHub(db.opened);
    const probes = hubProbes();
    return { base, pid: process.pid, probe: (name) => probes[name](), close: () => built.close() };
  }
  // The bench's V8 flags (execArgv) and arguments go to the hub's process as they are.
  const child = fork(new URL('./hub-process.ts', import.meta.url), process.argv.slice(2), {
    env: { ...process.env, DATABASE_URL: db.url },
  });
  const pending = new Map<number, Pending>();
  const ended = new Promise<Error>((resolve) => {
    child.once('exit', (code, signal) => resolve(new Error(`the hub's process ended (${signal ?? code})`)));
    child.once('error', resolve);
  });
  void ended.then((error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  });
  const base = await new Promise<string>((resolve, reject) => {
    void ended.then(reject);
    child.on('message', (reply: HubReply) => {
      if ('address' in reply) return resolve(reply.address);
      const call = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.error !== undefined) call?.reject(new Error(reply.error));
      else call?.resolve(reply.result);
    });
  });
  let nextId = 0;
  const ask = (probe: HubRequest['probe']) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, probe } satisfies HubRequest);
    });
  return {
    base,
    pid: child.pid!,
    probe: ask,
    close: async () => {
      // A process that already ended (its error is the run's) has nothing to close.
      if (child.exitCode === null && child.signalCode === null) await ask('close');
      await ended;
    },
  };
}
