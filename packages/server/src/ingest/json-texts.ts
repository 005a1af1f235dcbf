// The JSON texts of one request's objects, each serialised once. A batch's size check per event
// and the event's stored JSON columns (context, properties) need the same texts; serialising each
// event twice was a few per cent of the hub's CPU per event. Keyed by the parsed objects
// themselves, which nothing changes between parsing and storing.
export type JsonTexts = Map<object, string>;

export function jsonText(texts: JsonTexts | undefined, value: object): string {
  let text = texts?.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts?.set(value, text);
  }
  return text;
}

/**
 * `Buffer.byteLength(JSON.stringify(item))` of a parsed JSON object, built from its fields' texts
 * (kept in `texts`): the text of an object is `{`, its `"key":value` pairs joined by `,`, and `}`.
 */
export function jsonByteSize(item: Record<string, unknown>, texts: JsonTexts): number {
  let size = 2;
  let fields = 0;
  for (const key of Object.keys(item)) {
    const value = item[key];
    let valueSize: number;
    if (typeof value === 'string') valueSize = jsonStringByteSize(value);
    else {
      const text: string | undefined =
        value !== null && typeof value === 'object' ? jsonText(texts, value) : JSON.stringify(value);
      if (text === undefined) continue; // undefined and functions have no JSON text
      valueSize = Buffer.byteLength(text);
    }
    size += jsonStringByteSize(key) + 1 + valueSize;
    fields++;
  }
  return size + Math.max(0, fields - 1);
}

// What JSON.stringify escapes: quotes, backslashes, control characters, and lone surrogates (any
// surrogate sends the string the long way).
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes, so what this finds
const ESCAPED_IN_JSON = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `Buffer.byteLength(JSON.stringify(text))`, without making the text when nothing in it is escaped. */
function jsonStringByteSize(text: string): number {
  return ESCAPED_IN_JSON.test(text) ? Buffer.byteLength(JSON.stringify(text)) : Buffer.byteLength(text) + 2;
}
