// A parsing thread of body-readers.ts: reads the Segment bodies it is sent, one after another.
import { parentPort } from 'node:worker_threads';
import { CopyColumns } from '../db/copy-text.ts';
import { readSegmentBody, type SegmentBody } from './read-segment-body.ts';

const port = parentPort!;
port.on('message', ({ id, body }: { id: number; body: SegmentBody }) => {
  try {
    const read = readSegmentBody(body);
    // The events' own columns go back as COPY text: the writing thread then only adds what
    // identity resolution decides, and copies one string per event instead of every value.
    if (read.ok)
      for (const event of read.events) event.columns = CopyColumns.encode(event.columns as unknown[]);
    port.postMessage({ id, read });
  } catch (error) {
    // A fault of ours, not of the body: the request fails as it would on the request's thread.
    port.postMessage({ id, failure: (error as Error).stack ?? String(error) });
  }
});
port.postMessage({ ready: true });
