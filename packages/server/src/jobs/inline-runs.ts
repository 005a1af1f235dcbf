// Jobs claimed at enqueue (a webhook right after its commit) run in this process a few at a time,
// in arrival order; the others wait here, not in the database. Many flows at once would only
// queue for the same few pool connections, each waiting again for every transaction it runs —
// a short line served in order keeps the tail short. Waiting here is safe: the job is committed
// and leased, so if the process dies it runs from the queue when the lease ends.
export type InlineRuns = {
  /** False when `concurrency` runs are going on and `backlog` wait: new work goes to the queue. */
  hasRoom(): boolean;
  /** Runs `task` now or when a slot frees, first come first served. */
  run(task: () => Promise<void>): Promise<void>;
  /** Resolves when everything started or waiting has finished. */
  settled(): Promise<void>;
  size(): number;
};

export function createInlineRuns(limits: { concurrency: number; backlog: number }): InlineRuns {
  let running = 0;
  const waiting: (() => void)[] = [];
  const all = new Set<Promise<void>>();
  // A finished run hands its slot to the next in line, so no newcomer can take it in between.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    hasRoom: () => limits.concurrency > 0 && running + waiting.length < limits.concurrency + limits.backlog,
    run(task) {
      const done = (async () => {
        if (running < limits.concurrency) running++;
        else await new Promise<void>((resolve) => waiting.push(resolve));
        try {
          await task();
        } finally {
          release();
        }
      })();
      all.add(done);
      void done.finally(() => all.delete(done));
      return done;
    },
    async settled() {
      while (all.size > 0) await Promise.all(all);
    },
    size: () => all.size,
  };
}
