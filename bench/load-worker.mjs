// The load generator, in its own process so the client shares neither the hub's event loop nor
// its CPU figures (the bench reports the hub process's CPU per event): it builds the events and
// their batch bodies itself (in the hub's process their garbage was collected on the hub's time)
// and sends them over keep-alive HTTP with a fixed concurrency, or at a fixed rate.
// node:http with bodies encoded before the clock starts, not fetch: on a 2-core machine the
// client's CPU is taken from the hub and the database (fetch's streams cost ~3 times as much).
import http from 'node:http';
import { bodiesOf, makeEvents } from './segment-events.mjs';

const job = await new Promise((resolve) => process.once('message', resolve));
const target = new URL(job.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: job.ratePerSecond ? Infinity : job.concurrency });
const bodies = bodiesOf(makeEvents(job.events), job.events.batch);

function post(body) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          authorization: job.auth,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(performance.now() - started)
            : reject(new Error(`hub answered ${response.statusCode}`)),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function run() {
  const latencies = [];
  const started = performance.now();
  let next = 0;
  if (job.ratePerSecond) {
    // Open loop: requests leave on schedule whether or not earlier ones finished.
    const interval = 1000 / job.ratePerSecond;
    const pending = [];
    for (let i = 0; i < bodies.length; i++) {
      const wait = started + i * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // By call: call i left at i × interval, so the bench can tell early calls from later ones.
      pending.push(post(bodies[i]).then((ms) => void (latencies[i] = ms)));
    }
    await Promise.all(pending);
  } else {
    const lane = async () => {
      while (next < bodies.length) latencies.push(await post(bodies[next++]));
    };
    await Promise.all(Array.from({ length: job.concurrency }, lane));
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const cpu = process.cpuUsage(cpuAtStart);
  process.send({ seconds, latencies, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
}

const cpuAtStart = process.cpuUsage();
run()
  .catch((error) => process.send({ error: String(error) }))
  .finally(() => process.disconnect());
