// What the ingest bench asks of the hub's process during a phase, wherever that process is (the
// bench's own on PGlite, a process of its own on a server; hub-under-test.ts): a CPU profile, a
// profile of promoted allocations, and the pauses of its collections.
import { PerformanceObserver } from 'node:perf_hooks';
import { cpuProfileOfPhase, promotedAllocationsOfPhase } from './bench-support.ts';

export type ProbeName =
  | 'begin-cpu-profile'
  | 'end-cpu-profile'
  | 'begin-heap-profile'
  | 'end-heap-profile'
  | 'begin-gc-pauses'
  | 'end-gc-pauses';

/** The probes of this process; each `end-…` ends what its `begin-…` began (pauses: in ms). */
export function hubProbes(): Record<ProbeName, () => Promise<unknown>> {
  let cpuProfile: { stop(): Promise<void> } | null = null;
  let heapProfile: { stop(): Promise<void> } | null = null;
  let pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  return {
    'begin-cpu-profile': async () => void (cpuProfile = await cpuProfileOfPhase()),
    'end-cpu-profile': async () => cpuProfile?.stop(),
    'begin-heap-profile': async () => void (heapProfile = await promotedAllocationsOfPhase()),
    'end-heap-profile': async () => heapProfile?.stop(),
    'begin-gc-pauses': async () => {
      pauses = [];
      observer.observe({ entryTypes: ['gc'] });
    },
    'end-gc-pauses': async () => {
      // Entries are delivered asynchronously: take those still queued before stopping.
      pauses.push(...observer.takeRecords().map((entry) => entry.duration));
      observer.disconnect();
      return pauses;
    },
  };
}
