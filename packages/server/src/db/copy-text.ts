// PostgreSQL's COPY text format, written for COPY … FROM STDIN: tab-separated values, \N for
// NULL, backslash escapes, one row per line.
const COPY_CHUNK_BYTES = 65_536;

/**
 * COPY text in chunks of about 64 KB (one CopyData message per row would be one socket write per
 * row). Each value is UTF-8 encoded straight into the chunk: building the chunk as one string
 * and converting it at the end cost a tenth of the hub's ingest CPU (string concatenation,
 * flattening, then encoding). CopyData boundaries need not follow rows, so a chunk ends anywhere.
 * A CopyColumns value is columns already encoded, written as they are.
 */
export function* copyTextChunks(rows: unknown[][]): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
  let length = 0;
  for (const row of rows) {
    for (let c = 0; c < row.length; c++) {
      const value = row[c];
      const text = value instanceof CopyColumns ? value.text : copyTextValue(value);
      // At most 3 bytes per UTF-16 unit, and the separator.
      const most = text.length * 3 + 1;
      if (length + most > chunk.length) {
        if (length > 0) yield chunk.subarray(0, length);
        chunk = Buffer.allocUnsafe(Math.max(COPY_CHUNK_BYTES, most));
        length = 0;
      }
      length += chunk.write(text, length);
      chunk[length++] = c === row.length - 1 ? 0x0a : 0x09; // \n ends a row, \t separates values
    }
  }
  if (length > 0) yield chunk.subarray(0, length);
}

/**
 * Values of consecutive columns already in COPY text (tab-separated, no row end): a row's columns
 * can be encoded where the row is made (a parsing thread), and the thread that writes it only adds
 * the columns it alone knows. Text, not bytes: buffers moved between threads are freed only by
 * full collections, which then came several times a second (docs/benchmarks.md).
 */
export class CopyColumns {
  constructor(readonly text: string) {}

  static encode(values: readonly unknown[]): string {
    return values.map(copyTextValue).join('\t');
  }
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

// Rows written together mostly share their dates (a request's receivedAt, a batch's sentAt).
let lastTime = NaN;
let lastTimeText = '';

function copyTextValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) {
    const time = value.getTime();
    if (time !== lastTime) {
      lastTimeText = value.toISOString();
      lastTime = time;
    }
    return lastTimeText;
  }
  const text = Array.isArray(value)
    ? `{${value.map((v) => JSON.stringify(String(v))).join(',')}}`
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (c) => COPY_ESCAPES[c]!) : text;
}
