// The fan-out bench's outside world, in a process of its own: the agents' 500 consoles (WebSocket
// clients) and the provider sending webhooks. In the hub's process they would share its event
// loop — a real desk's consoles run in browsers and providers on other machines — and the
// hub's figures would include their work. Driven by the bench over IPC; times are this process's
// own clock, so every latency is measured start to end on one clock.
// Plain JavaScript: a forked process cannot load TypeScript through tsx without a loader.
import http from 'node:http';
import WebSocket from 'ws';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const sockets = [];
const sentAt = new Map();
const fanout = [];
const baselineSent = new Map();
const baseline = [];

function send(message) {
  process.send(message);
}

function onFrame(data) {
  const frame = JSON.parse(String(data));
  if (frame.type === 'message.created' && frame.payload?.body?.startsWith('bench ')) {
    const seq = Number(frame.payload.body.slice(6));
    const t0 = sentAt.get(seq);
    if (t0 !== undefined) {
      fanout.push(performance.now() - t0);
      sentAt.delete(seq);
    }
  } else if (frame.type === 'typing' && typeof frame.payload?.seq === 'number') {
    const t0 = baselineSent.get(frame.payload.seq);
    if (t0 !== undefined) {
      baseline.push(performance.now() - t0);
      baselineSent.delete(frame.payload.seq);
    }
  }
}

function connect(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let ready = false;
    socket.on('message', (data) => {
      if (ready) return onFrame(data);
      ready = JSON.parse(String(data)).type === 'ready';
      if (ready) resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** A webhook over keep-alive HTTP; resolves with the time to the hub's answer. */
function post(url, body, headers) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(performance.now() - started)
            : reject(new Error(`webhook answered ${response.statusCode}`)),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Offers `count` calls at `rate` a second, on schedule whatever the previous ones do (open loop). */
async function openLoop(rate, count, fire) {
  const start = performance.now();
  for (let seq = 0; seq < count; seq++) {
    const wait = start + (seq * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    fire(seq);
  }
  return (performance.now() - start) / 1000;
}

const handlers = {
  async connect({ urls }) {
    // A few at a time: 500 handshakes at once would time out on a busy 2-core machine.
    for (let i = 0; i < urls.length; i += 50)
      sockets.push(...(await Promise.all(urls.slice(i, i + 50).map(connect))));
    return { open: sockets.length };
  },
  // Baseline: the hub publishes a live signal on request; timed from the request to the socket.
  async baseline({ rate, count, agents }) {
    await openLoop(rate, count, (seq) => {
      baselineSent.set(seq, performance.now());
      send({ type: 'publish', seq, agent: seq % agents });
    });
    await new Promise((r) => setTimeout(r, 500));
    return { latencies: baseline };
  },
  async warmUp({ webhooks }) {
    for (const w of webhooks) await post(w.url, w.body, w.headers);
    await new Promise((r) => setTimeout(r, 1000));
    return {};
  },
  async measure({ rate, webhooks, waitMs }) {
    const acks = [];
    let refused = 0;
    const seconds = await openLoop(rate, webhooks.length, (seq) => {
      const w = webhooks[seq];
      sentAt.set(w.seq, performance.now());
      // Counted, not fatal: an overloaded hub (PGlite at 200/s) may not accept a connection in time.
      post(w.url, w.body, w.headers).then(
        (ms) => acks.push(ms),
        () => refused++,
      );
    });
    const deadline = performance.now() + waitMs;
    while (fanout.length < webhooks.length && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    return { seconds, fanout, acks, refused };
  },
  async close() {
    for (const s of sockets) s.close();
    agent.destroy();
    setTimeout(() => process.exit(0), 100);
    return {};
  },
};

process.on('message', async (message) => {
  try {
    send({ type: 'done', step: message.step, ...(await handlers[message.step](message)) });
  } catch (error) {
    send({ type: 'done', step: message.step, error: String(error) });
  }
});
