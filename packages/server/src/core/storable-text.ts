// PostgreSQL cannot store the NUL character in text or jsonb: a provider's message holding one
// failed its processing job, and the message was lost. Each NUL becomes U+FFFD, the replacement
// character, as warehouse loaders do. The Segment API does the same on a body's JSON text, where
// the NUL is still an escape (ingest/parse-ingest-body.ts, docs/ingest.md).

/** `value` with every NUL in its strings, at any depth of plain objects and arrays, replaced. */
export function withStorableText<T>(value: T): T {
  if (typeof value === 'string')
    return (value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value) as T;
  if (Array.isArray(value)) return value.map(withStorableText) as T;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [withStorableText(k), withStorableText(v)]),
  ) as T;
}
