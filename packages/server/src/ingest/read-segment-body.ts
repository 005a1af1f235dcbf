// A Segment API body whose source is known → the hub's events, or the error naming what is wrong.
// Plain data in and out: it runs on the request's thread or on a parsing thread (body-readers.ts).
import type { AppError } from '../core/errors.ts';
import { normalizeEvent, type EventSource, type HubEvent } from './normalize-event.ts';
import { parseIngestBody, type IngestBody } from './parse-ingest-body.ts';
import type { EventType } from './segment.schema.ts';

export type SegmentBody = {
  raw: Uint8Array;
  gzip: boolean;
  endpoint: EventType | 'batch';
  /** Milliseconds since the epoch: when the hub received the request. */
  receivedAt: number;
  source: EventSource;
};

export type ReadBody = { ok: true; events: HubEvent[] } | { ok: false; error: AppError };

export function readSegmentBody(body: SegmentBody): ReadBody {
  const raw = Buffer.from(body.raw.buffer, body.raw.byteOffset, body.raw.byteLength);
  const parsed = parseIngestBody({ raw, gzip: body.gzip, endpoint: body.endpoint });
  if (parsed.isErr()) return { ok: false, error: parsed.error };
  return { ok: true, events: eventsOfBody(parsed.value, new Date(body.receivedAt), body.source) };
}

/** A parsed body's calls as the hub's events, received at one moment from one source. */
export function eventsOfBody(body: IngestBody, receivedAt: Date, source: EventSource): HubEvent[] {
  return body.calls.map((call) => normalizeEvent(call, receivedAt, source, body.texts));
}
