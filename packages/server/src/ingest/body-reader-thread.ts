// A parsing thread of body-readers.ts: reads the Segment bodies it is sent, one after another.
import { parentPort } from 'node:worker_threads';
import { readSegmentBody, type SegmentBody } from './read-segment-body.ts';

const port = parentPort!;
port.on('message', ({ id, body }: { id: number; body: SegmentBody }) => {
  try {
    port.postMessage({ id, read: readSegmentBody(body) });
  } catch (error) {
    // A fault of ours, not of the body: the request fails as it would on the request's thread.
    port.postMessage({ id, failure: (error as Error).stack ?? String(error) });
  }
});
port.postMessage({ ready: true });
