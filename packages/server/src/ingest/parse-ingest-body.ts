// Reads a Segment HTTP API body: JSON (optionally gzipped), size limits, and every call validated.
// A batch is all-or-nothing: one invalid event rejects the batch with every fault named, and
// nothing of it is stored, so a client can fix and resend it whole.
import { gunzipSync } from 'node:zlib';
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import { validationError } from '../api/error-handler.ts';
import { jsonByteSize, type JsonTexts } from './json-texts.ts';
import { parseSegmentCall } from './parse-segment-call.ts';
import { DateLike, type EventType, type SegmentCall } from './segment.schema.ts';

export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

export type IngestBody = {
  calls: SegmentCall[];
  writeKey: unknown;
  /** JSON texts made while checking sizes, for normalizeEvent to reuse. */
  texts: JsonTexts;
};

export function parseIngestBody(input: {
  raw: Buffer;
  gzip: boolean;
  endpoint: EventType | 'batch';
}): Result<IngestBody, AppError> {
  let raw = input.raw;
  if (input.gzip) {
    try {
      raw = gunzipSync(raw, { maxOutputLength: MAX_BATCH_BYTES + 1 });
    } catch {
      return err(
        appError('PSK_INGEST_BATCH_TOO_LARGE', {
          field: 'body',
          message: 'The gzipped body is not valid or unpacks to more than 500 KB (field: body)',
        }),
      );
    }
  }
  const limit = input.endpoint === 'batch' ? MAX_BATCH_BYTES : MAX_EVENT_BYTES;
  if (raw.length > limit) {
    return err(
      input.endpoint === 'batch'
        ? appError('PSK_INGEST_BATCH_TOO_LARGE', {
            field: 'batch',
            message: `The batch is ${raw.length} bytes; the limit is 500 KB (field: batch)`,
          })
        : appError('PSK_INGEST_EVENT_TOO_LARGE', {
            field: 'body',
            message: `The event is ${raw.length} bytes; the limit is 32 KB (field: body)`,
          }),
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(withoutNulCharacters(raw.toString('utf8')));
  } catch (error) {
    return err(
      appError('PSK_BODY_NOT_JSON', {
        message: `The request body is not valid JSON: ${(error as Error).message}`,
      }),
    );
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return err(
      appError('PSK_BODY_NOT_JSON', {
        field: 'body',
        message: 'The request body must be a JSON object (field: body)',
      }),
    );
  }
  const record = body as Record<string, unknown>;
  if (input.endpoint !== 'batch') {
    const parsed = parseSegmentCall({ ...record, type: input.endpoint });
    if (!parsed.success) return err(validationError(parsed.error.issues, '', 'PSK_INGEST_INVALID_EVENT'));
    return ok({ calls: [parsed.data], writeKey: record.writeKey, texts: new Map() });
  }
  if (!Array.isArray(record.batch)) {
    return err(
      appError('PSK_INGEST_INVALID_EVENT', {
        field: 'batch',
        message: 'batch must be an array of events (field: batch)',
      }),
    );
  }
  // Batch-level context, integrations and sentAt apply to each event that has none, as in
  // Segment's batch API: its libraries (analytics-node among them) send sentAt with the batch only.
  const batchSentAt = DateLike.nullable().optional().safeParse(record.sentAt);
  if (!batchSentAt.success)
    return err(validationError(batchSentAt.error.issues, 'sentAt', 'PSK_INGEST_INVALID_EVENT'));
  const sentAt = batchSentAt.data ?? undefined;
  const shared = {
    ...(isObject(record.context) ? { context: record.context } : {}),
    ...(isObject(record.integrations) ? { integrations: record.integrations } : {}),
  };
  const hasShared = 'context' in shared || 'integrations' in shared;
  const calls: SegmentCall[] = [];
  const texts: JsonTexts = new Map();
  const faults: { field: string; message: string }[] = [];
  record.batch.forEach((item, i) => {
    const size = isObject(item) ? jsonByteSize(item, texts) : Buffer.byteLength(JSON.stringify(item ?? null));
    if (size > MAX_EVENT_BYTES) {
      faults.push({ field: `batch[${i}]`, message: `the event is ${size} bytes; the limit is 32 KB` });
      return;
    }
    const parsed = parseSegmentCall(isObject(item) && hasShared ? { ...shared, ...item } : item);
    if (parsed.success) {
      if (sentAt !== undefined && parsed.data.sentAt == null) parsed.data.sentAt = sentAt;
      calls.push(parsed.data);
    } else
      faults.push(
        ...(validationError(parsed.error.issues, `batch[${i}]`).details as {
          field: string;
          message: string;
        }[]),
      );
  });
  if (faults.length > 0) {
    const first = faults[0]!;
    const tooLarge = first.message.includes('32 KB');
    return err(
      appError(tooLarge ? 'PSK_INGEST_EVENT_TOO_LARGE' : 'PSK_INGEST_INVALID_EVENT', {
        field: first.field,
        message: `${first.field}: ${first.message}${faults.length > 1 ? ` (and ${faults.length - 1} more)` : ''}; nothing of this batch was stored`,
        details: faults.slice(0, 50),
      }),
    );
  }
  return ok({ calls, writeKey: record.writeKey, texts });
}

// A JSON \u0000 escape not itself escaped: after an even number of backslashes.
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * PostgreSQL cannot store the NUL character in text or jsonb, and a client may send one escaped
 * (`\u0000`; a raw one is not valid JSON). Each becomes U+FFFD, the replacement character, as
 * warehouse loaders strip NULs, rather than refusing the whole batch.
 */
function withoutNulCharacters(text: string): string {
  return text.includes('\\u0000') ? text.replace(NUL_ESCAPE, '$1\\ufffd') : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
