// A real HTTP server on a free local port standing in for a provider's API: it records every
// request and answers what the test told it to. Test support only.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: string };

export type HttpPeer = {
  url: string;
  requests: RecordedRequest[];
  answer(status: number, body: unknown): void;
  close(): Promise<void>;
};

export async function startHttpPeer(): Promise<HttpPeer> {
  const requests: RecordedRequest[] = [];
  let reply: { status: number; body: unknown } = { status: 200, body: {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(status, body) {
      reply = { status, body };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A local URL where nothing listens, for network-failure tests. */
export async function unusedUrl(): Promise<string> {
  const peer = await startHttpPeer();
  const url = peer.url;
  await peer.close();
  return url;
}
