// Training a workspace model takes seconds of pure CPU (about 3 s for 6,300 reviews, six times
// that with 5-fold validation); run on the main thread it would stall every webhook and socket of
// the hub. So it runs in a worker thread. The hub runs TypeScript through tsx, and a worker does
// not inherit tsx's loader on Node 20, so the worker first registers tsx, then loads the job.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../core/logger.ts';
import { runTrainingJob, type TrainingJob, type TrainingJobResult } from './training-job.ts';

const WORKER_ENTRY = new URL('./training-worker.ts', import.meta.url).href;

/** tsx's ESM API (its `exports` map names `./esm/api` → `dist/esm/api/index.mjs` for import). */
function tsxApiUrl(): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
    return pathToFileURL(path.join(path.dirname(manifest), 'dist/esm/api/index.mjs')).href;
  } catch {
    return null;
  }
}

export async function trainOffThread(job: TrainingJob, logger?: Logger): Promise<TrainingJobResult> {
  const tsx = tsxApiUrl();
  if (!tsx) return runTrainingJob(job);
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_ENTRY)}); })`;
  return new Promise<TrainingJobResult>((resolve) => {
    let settled = false;
    const worker = new Worker(bootstrap, { eval: true, workerData: job });
    worker.once('message', (result: TrainingJobResult) => {
      settled = true;
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (settled) return;
      settled = true;
      // A worker that cannot start must not cost the workspace its model: train here instead.
      logger?.warn({ err: error }, 'sentiment training worker failed; training on the main thread');
      resolve(runTrainingJob(job));
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      logger?.warn({ code }, 'sentiment training worker exited early; training on the main thread');
      resolve(runTrainingJob(job));
    });
  });
}
