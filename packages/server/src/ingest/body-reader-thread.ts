// A parsing thread of body-readers.ts: reads the Segment bodies it is sent, one after another.
import { parentPort } from 'node:worker_threads';
import { encodeCopyColumns } from '../db/copy-text.ts';
import { readSegmentBody, type SegmentBody } from './read-segment-body.ts';

const port = parentPort!;
port.on('message', ({ id, body }: { id: number; body: SegmentBody }) => {
  try {
    const read = readSegmentBody(body);
    // The events' own columns go back as COPY text: a few buffers cost less to copy between
    // threads than every value, and the writing thread then only adds what identity decides.
    if (read.ok)
      for (const event of read.events) event.columns = encodeCopyColumns(event.columns as unknown[]);
    port.postMessage({ id, read });
  } catch (error) {
    // A fault of ours, not of the body: the request fails as it would on the request's thread.
    port.postMessage({ id, failure: (error as Error).stack ?? String(error) });
  }
});
port.postMessage({ ready: true });
