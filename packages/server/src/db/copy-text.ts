// PostgreSQL's COPY text format, written for COPY … FROM STDIN: tab-separated values, \N for
// NULL, backslash escapes, one row per line.
const COPY_CHUNK_BYTES = 65_536;

/**
 * COPY text in chunks of about 64 KB (one CopyData message per row would be one socket write per
 * row). Each value is UTF-8 encoded straight into the chunk: building the chunk as one string
 * and converting it at the end cost a tenth of the hub's ingest CPU (string concatenation,
 * flattening, then encoding). CopyData boundaries need not follow rows, so a chunk ends anywhere.
 */
export function* copyTextChunks(rows: unknown[][]): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
  let length = 0;
  for (const row of rows) {
    for (let c = 0; c < row.length; c++) {
      const text = copyTextValue(row[c]);
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

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyTextValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    value instanceof Date
      ? value.toISOString()
      : Array.isArray(value)
        ? `{${value.map((v) => JSON.stringify(String(v))).join(',')}}`
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (c) => COPY_ESCAPES[c]!) : text;
}
