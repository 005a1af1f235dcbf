// The load generator, on its own thread so the client does not share the hub's event loop.
// Sends pre-built batch bodies over keep-alive HTTP with a fixed concurrency, or at a fixed rate.
// Plain JavaScript: worker threads cannot load TypeScript through tsx on Node 20.
import { parentPort, workerData } from 'node:worker_threads';

const job = workerData;

async function post(body) {
  const started = performance.now();
  const response = await fetch(job.url, {
    method: 'POST',
    headers: { authorization: job.auth, 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`hub answered ${response.status}`);
  return performance.now() - started;
}

async function run() {
  const latencies = [];
  const started = performance.now();
  let next = 0;
  if (job.ratePerSecond) {
    // Open loop: requests leave on schedule whether or not earlier ones finished.
    const interval = 1000 / job.ratePerSecond;
    const pending = [];
    for (let i = 0; i < job.bodies.length; i++) {
      const wait = started + i * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(post(job.bodies[i]).then((ms) => void latencies.push(ms)));
    }
    await Promise.all(pending);
  } else {
    const lane = async () => {
      while (next < job.bodies.length) latencies.push(await post(job.bodies[next++]));
    };
    await Promise.all(Array.from({ length: job.concurrency }, lane));
  }
  parentPort.postMessage({ seconds: (performance.now() - started) / 1000, latencies });
}

run().catch((error) => parentPort.postMessage({ error: String(error) }));
