// The load generator, in its own process so the client shares neither the hub's event loop nor
// its CPU figures (the bench reports the hub process's CPU per event): it builds the events and
// their batch bodies itself (in the hub's process their garbage was collected on the hub's time)
// and sends them over keep-alive HTTP with a fixed concurrency, or at a fixed rate.
// On a 2-core machine the client's CPU is taken from the hub and the database, so the client is a
// minimal HTTP/1.1 one on node:net, as wrk's: each call's bytes, request line to body, are one
// buffer encoded before the clock starts and sent with one write; an answer is read by its status
// line and Content-Length. In the bench node:http cost 1.1–1.3 µs per event in the 500-event calls
// and 4.7–7.6 µs in the 50-event calls at 300–400 calls/s (250–650 µs a call; fetch's streams ~3
// times as much), this client 0.6–1.0 and 3.0–5.0 µs; against an idle stand-in hub 0.33–0.49 µs
// instead of 0.73–1.28, and 4.1–5.9 instead of 8–10 (what is left: the kernel's TCP, and waking up
// and node:net's stream code for each call).
import net from 'node:net';
import { openLoop } from './open-loop.mjs';
import { bodiesOf, makeEvents } from './segment-events.mjs';

const job = await new Promise((resolve) => process.once('message', resolve));
const target = new URL(job.url);
const requests = bodiesOf(makeEvents(job.events), job.events.batch).map(requestOf);
// Building the calls leaves ~100 MB of events behind. Collected during the run, it paused this
// process for 50–110 ms in its first second, which showed as the hub's latency (docs/benchmarks.md,
// "Ingest", fourteenth session); collected here, it is done before the clock starts.
globalThis.gc?.();

/** A call's bytes: request line, headers and body in one buffer. */
function requestOf(body) {
  const head =
    `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
    `Authorization: ${job.auth}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * The first response in `bytes`: its status, whether the connection stays open, and its length
 * in bytes; null while incomplete. Throws on what it cannot frame rather than guess.
 */
function responseIn(bytes) {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const [statusLine, ...fields] = bytes.toString('latin1', 0, headEnd).split('\r\n');
  const start = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(statusLine);
  if (!start)
    throw new Error(`hub answered no HTTP/1.x status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers = {};
  for (const field of fields) {
    const colon = field.indexOf(':');
    headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
  }
  const status = Number(start[2]);
  // The hub answers with Content-Length; any other framing fails the run rather than be misread.
  if (headers['transfer-encoding'] !== undefined)
    throw new Error(`hub answered ${status} with Transfer-Encoding: ${headers['transfer-encoding']}`);
  const noBody = status === 204 || status === 304;
  if (!noBody && !/^\d+$/.test(headers['content-length'] ?? ''))
    throw new Error(`hub answered ${status} without a valid Content-Length`);
  const length = headEnd + 4 + (noBody ? 0 : Number(headers['content-length']));
  if (bytes.length < length) return null;
  // HTTP/1.1 keeps the connection unless told otherwise; an HTTP/1.0 one is not reused.
  return { status, keepAlive: start[1] === '1' && !/\bclose\b/i.test(headers.connection ?? ''), length };
}

// A response no call can be held to account for (unframeable, or not asked for) fails the run.
let protocolFault = null;
const connections = new Set();

/** One keep-alive socket to the hub with at most one call outstanding (no pipelining, as node:http). */
class Connection {
  // False once either side closed the socket: the next call opens a new one.
  usable = true;
  #socket;
  #received = Buffer.alloc(0);
  #outstanding = null;

  constructor() {
    this.#socket = net.connect({ host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port || 80 });
    this.#socket.setNoDelay(true);
    this.#socket.on('data', (chunk) => this.#read(chunk));
    this.#socket.on('error', (error) => this.#fail(error));
    this.#socket.on('close', () => {
      connections.delete(this);
      this.#fail(new Error('hub closed the connection before answering'));
    });
    connections.add(this);
  }

  /** Sends a call; resolves with its latency in ms once the hub answered 200. */
  send(request) {
    return new Promise((resolve, reject) => {
      this.#outstanding = { resolve, reject, started: performance.now() };
      this.#socket.write(request);
    });
  }

  close() {
    this.usable = false;
    this.#socket.destroy();
  }

  // An answer may come in several chunks. Bytes while no call is outstanding (a second response in
  // a chunk included) are a fault: one call at a time, so nothing can be framed as their answer.
  #read(chunk) {
    this.#received = this.#received.length === 0 ? chunk : Buffer.concat([this.#received, chunk]);
    try {
      while (this.#received.length > 0) {
        if (!this.#outstanding) throw new Error('hub sent bytes no call asked for');
        const response = responseIn(this.#received);
        if (!response) return;
        this.#received = this.#received.subarray(response.length);
        this.#answer(response);
      }
    } catch (error) {
      protocolFault ??= error;
      this.#fail(error);
    }
  }

  #answer({ status, keepAlive }) {
    const { resolve, reject, started } = this.#outstanding;
    this.#outstanding = null;
    // Honours the hub's Connection: close; later calls open a new socket.
    if (!keepAlive) this.close();
    if (status === 200) resolve(performance.now() - started);
    else reject(new Error(`hub answered ${status}`));
  }

  // An idle socket the hub closed is only dropped; a call waiting on it is rejected, never left hanging.
  #fail(error) {
    this.close();
    this.#outstanding?.reject(error);
    this.#outstanding = null;
  }
}

const idle = [];

/**
 * A call on an idle socket, or on a new one (as node:http's agent without a socket limit); the
 * socket is reused once answered. Closed loop: each lane has one call out, so there are as many
 * sockets as lanes.
 */
async function post(request) {
  let connection = idle.pop();
  while (connection && !connection.usable) connection = idle.pop();
  connection ??= new Connection();
  const ms = await connection.send(request);
  if (connection.usable) idle.push(connection);
  return ms;
}

async function run() {
  const started = performance.now();
  let latencies = [];
  if (job.ratePerSecond) {
    latencies = await openLoop(requests.length, job.ratePerSecond, (i) => post(requests[i]));
  } else {
    let next = 0;
    const lane = async () => {
      while (next < requests.length) latencies.push(await post(requests[next++]));
    };
    await Promise.all(Array.from({ length: job.concurrency }, lane));
  }
  const seconds = (performance.now() - started) / 1000;
  if (protocolFault) throw protocolFault;
  const cpu = process.cpuUsage(cpuAtStart);
  process.send({ seconds, latencies, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
}

const cpuAtStart = process.cpuUsage();
run()
  .catch((error) => process.send({ error: String(error) }))
  .finally(() => {
    // Sockets left open, after a failed run, would keep this process alive.
    for (const connection of connections) connection.close();
    process.disconnect();
  });
