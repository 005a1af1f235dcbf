// A synchronous reader of RFC 5322 / MIME messages. The adapter's `parse` is synchronous by the
// channel contract (channel-adapter.ts), and mailparser's simpleParser only exists as a stream, so
// the structure is read here; the tests check this reader against simpleParser on the same bytes.
// Header parameters (RFC 2231) and address lists come from nodemailer's own parsers.
import { parseHeaderValue } from 'nodemailer/lib/mime-funcs';

export type MimeHeader = { name: string; value: string };

export type MimePart = {
  headers: MimeHeader[];
  contentType: string;
  params: Record<string, string>;
  disposition: string | null;
  dispositionParams: Record<string, string>;
  /** The body after Content-Transfer-Encoding is undone; for multiparts, the raw body. */
  body: Buffer;
  children: MimePart[];
};

/** A message deeper or larger than this is not a customer writing to us. */
const MAX_DEPTH = 24;
const MAX_PARTS = 500;

export class MimeLimitError extends Error {}

/** Bytes as a string of the same length (latin1), so structure can be found without decoding. */
function binary(buffer: Buffer): string {
  return buffer.toString('latin1');
}

/** Header bytes are meant to be ASCII; senders that put raw UTF-8 there get it read as UTF-8. */
function headerText(raw: string): string {
  const bytes = Buffer.from(raw, 'latin1');
  if (!/[\x80-\xff]/.test(raw)) return raw;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return raw;
  }
}

export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const label = (charset ?? 'utf-8').trim().toLowerCase();
  try {
    return new TextDecoder(label === '' ? 'utf-8' : label).decode(bytes);
  } catch {
    // An unknown label (x-unknown, utf-7) reads as UTF-8 rather than failing the whole message.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function decodeQuotedPrintableBytes(text: string): Buffer {
  const unfolded = text.replace(/=[ \t]*\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < unfolded.length; i++) {
    const char = unfolded.charCodeAt(i);
    if (char === 0x3d && /^[0-9a-fA-F]{2}$/.test(unfolded.slice(i + 1, i + 3))) {
      out.push(parseInt(unfolded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(char & 0xff);
    }
  }
  return Buffer.from(out);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/** RFC 2047 encoded words. Adjacent words are joined as bytes first: a sender may split a character. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  const chunks: ({ text: string } | { charset: string; bytes: Buffer })[] = [];
  let last = 0;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index);
    const previous = chunks.at(-1);
    // Whitespace between two encoded words is folding, not content.
    if (between !== '' && !(previous && 'bytes' in previous && /^\s+$/.test(between)))
      chunks.push({ text: between });
    const charset = (match[1] ?? 'utf-8').split('*')[0] ?? 'utf-8';
    const data = match[3] ?? '';
    const bytes =
      match[2]?.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64')
        : decodeQuotedPrintableBytes(data.replace(/_/g, ' '));
    const tail = chunks.at(-1);
    if (tail && 'bytes' in tail && tail.charset.toLowerCase() === charset.toLowerCase()) {
      tail.bytes = Buffer.concat([tail.bytes, bytes]);
    } else {
      chunks.push({ charset, bytes });
    }
    last = (match.index ?? 0) + match[0].length;
  }
  chunks.push({ text: value.slice(last) });
  return chunks
    .map((chunk) => ('text' in chunk ? chunk.text : decodeCharset(chunk.bytes, chunk.charset)))
    .join('');
}

function splitHead(raw: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(raw);
  if (!match) return { head: raw, body: '' };
  return { head: raw.slice(0, match.index), body: raw.slice(match.index + match[0].length) };
}

function parseHeaders(head: string): MimeHeader[] {
  const headers: MimeHeader[] = [];
  for (const line of head.split(/\r?\n/)) {
    const current = headers.at(-1);
    if (/^[ \t]/.test(line) && current) {
      current.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({
      name: line.slice(0, colon).trim().toLowerCase(),
      value: headerText(line.slice(colon + 1).trim()),
    });
  }
  return headers;
}

export function headerValue(headers: MimeHeader[], name: string): string | undefined {
  return headers.find((header) => header.name === name)?.value;
}

function decodedParams(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, decodeWords(value)]));
}

function transferDecode(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintableBytes(body);
    default:
      return Buffer.from(body, 'latin1');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The bodies between `--boundary` lines; the preamble and epilogue are not parts. */
function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escapeRegExp(boundary)}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g');
  const parts: string[] = [];
  let start: number | null = null;
  for (const match of body.matchAll(delimiter)) {
    if (start !== null) parts.push(body.slice(start, match.index));
    if (match[1] === '--') return parts;
    const afterLine = /^\r?\n/.exec(body.slice((match.index ?? 0) + match[0].length));
    start = (match.index ?? 0) + match[0].length + (afterLine ? afterLine[0].length : 0);
  }
  // A message cut off before its closing boundary still has its last part.
  if (start !== null) parts.push(body.slice(start));
  return parts;
}

function readPart(raw: string, depth: number, budget: { parts: number }, defaultType: string): MimePart {
  if (depth > MAX_DEPTH) throw new MimeLimitError(`MIME nesting deeper than ${MAX_DEPTH}`);
  if (++budget.parts > MAX_PARTS) throw new MimeLimitError(`more than ${MAX_PARTS} MIME parts`);
  const { head, body } = splitHead(raw);
  const headers = parseHeaders(head);
  const typeHeader = headerValue(headers, 'content-type');
  const type = typeHeader
    ? parseHeaderValue(typeHeader, { stripComments: true })
    : { value: defaultType, params: {} };
  const contentType = type.value.toLowerCase().trim() || defaultType;
  const dispositionHeader = headerValue(headers, 'content-disposition');
  const disposition = dispositionHeader ? parseHeaderValue(dispositionHeader, { stripComments: true }) : null;
  const part: MimePart = {
    headers,
    contentType,
    params: decodedParams(type.params),
    disposition: disposition ? disposition.value.toLowerCase().trim() : null,
    dispositionParams: disposition ? decodedParams(disposition.params) : {},
    body: Buffer.alloc(0),
    children: [],
  };
  const boundary = part.params.boundary;
  if (contentType.startsWith('multipart/') && boundary) {
    // RFC 2046: inside multipart/digest a part without a Content-Type is a message.
    const childDefault = contentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    part.children = splitMultipart(body, boundary).map((child) =>
      readPart(child, depth + 1, budget, childDefault),
    );
    part.body = Buffer.from(body, 'latin1');
    return part;
  }
  part.body = transferDecode(body, headerValue(headers, 'content-transfer-encoding'));
  return part;
}

/** The message as a tree of parts; throws MimeLimitError on a message built to exhaust us. */
export function readMime(raw: Buffer): MimePart {
  return readPart(binary(raw), 0, { parts: 0 }, 'text/plain');
}

/** Only the header block of a message or of a text/rfc822-headers part. */
export function readHeaderBlock(raw: Buffer): MimeHeader[] {
  return parseHeaders(splitHead(binary(raw)).head);
}

/** RFC 3676: joins the soft line breaks of format=flowed text. */
function unflow(text: string, delsp: boolean): string {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  let carry = '';
  for (const rawLine of lines) {
    const line = rawLine.startsWith(' ') ? rawLine.slice(1) : rawLine;
    const soft = line.endsWith(' ') && line !== '-- ';
    if (soft) {
      carry += delsp ? line.slice(0, -1) : line;
      continue;
    }
    out.push(carry + line);
    carry = '';
  }
  if (carry !== '') out.push(carry);
  return out.join('\n');
}

/** A text part's content as a string, in its declared charset. */
export function partText(part: MimePart): string {
  const text = decodeCharset(part.body, part.params.charset).replace(/\r\n/g, '\n');
  if (part.contentType === 'text/plain' && part.params.format?.toLowerCase() === 'flowed') {
    return unflow(text, part.params.delsp?.toLowerCase() === 'yes');
  }
  return text;
}
