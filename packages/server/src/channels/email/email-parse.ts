// A received mail, as the inbox's items: one message, or — for a delivery status notification
// (RFC 3464) about a mail we sent — one receipt keyed by that mail's Message-ID.
import { createHash } from 'node:crypto';
import { err, ok, type Result } from 'neverthrow';
import addressparser, { type Address } from 'nodemailer/lib/addressparser';
import { detectExtension } from 'nodemailer/lib/mime-funcs';
import { normalizeEmail } from '../../core/identifiers.ts';
import type { Attachment, Inbound, ParseError } from '../channel-adapter.ts';
import { unparseable } from '../inbound.ts';
import { htmlToText, sanitizeEmailHtml } from './email-html.ts';
import {
  decodeWords,
  headerValue,
  MimeLimitError,
  partText,
  readHeaderBlock,
  readMime,
  type MimeHeader,
  type MimePart,
} from './mime-reader.ts';

/**
 * The message item with the mail's subject beside it. Inbound has no subject field; the inbox's
 * receive path reads `subject` when an item has one (it becomes the conversation's subject, and
 * replies go out as `Re: …`). The text stays the body alone.
 */
export type EmailMessageItem = Extract<Inbound, { kind: 'message' }> & { subject?: string };

export type EmailContext = {
  /** The inbox's own address: the domain of our Message-IDs. */
  address: string;
  receivedAt: Date;
  /** MAIL FROM, used when the From: header has no usable address. */
  envelopeFrom: string | null;
};

/** Inline images become `data:` URLs in the HTML up to this many bytes in all; the rest stay attachments only. */
const MAX_INLINED_BYTES = 5 * 1024 * 1024;
/** Signatures of signed mail are not something an agent opens. */
const SIGNATURE_TYPES = new Set([
  'application/pkcs7-signature',
  'application/x-pkcs7-signature',
  'application/pgp-signature',
]);
const DELIVERY_STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ORIGINAL_HEADER_TYPES = new Set([
  'text/rfc822-headers',
  'message/rfc822',
  'message/global',
  'message/global-headers',
]);

/** Every `<id>` of a Message-ID, In-Reply-To or References header, in order. */
export function messageIds(value: string | undefined): string[] {
  if (value === undefined) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  if (bracketed) return bracketed;
  // Some clients write ids without brackets; anything with an @ is taken as one.
  return (value.match(/[^\s<>,;]+@[^\s<>,;]+/g) ?? []).map((id) => `<${id}>`);
}

/** `<id@host>` for any way an id is written, so ids from headers and from our store compare equal. */
export function asMessageId(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

function mailboxes(value: string | undefined): { name: string; address: string }[] {
  if (value === undefined) return [];
  const list: Address[] = addressparser(value, { flatten: true });
  return list.flatMap((entry) =>
    entry.address === undefined ? [] : [{ name: entry.name, address: entry.address }],
  );
}

type Body = {
  texts: string[];
  htmls: string[];
  attachments: Attachment[];
  inline: Map<string, string>;
  inlinedBytes: number;
};

function emptyBody(): Body {
  return { texts: [], htmls: [], attachments: [], inline: new Map(), inlinedBytes: 0 };
}

function safeFilename(part: MimePart, index: number): string {
  const given = part.dispositionParams.filename ?? part.params.name;
  // A name is a label, never a path: a sender's "../../x" keeps only "x".
  const base = given?.split(/[/\\]/).pop()?.trim();
  return base && base !== '' ? base : `attachment-${index}.${detectExtension(part.contentType)}`;
}

function isBodyText(part: MimePart): boolean {
  if (part.contentType !== 'text/plain' && part.contentType !== 'text/html') return false;
  if (part.disposition === 'attachment') return false;
  return part.dispositionParams.filename === undefined && part.params.name === undefined;
}

function addLeaf(part: MimePart, body: Body): void {
  if (isBodyText(part)) {
    (part.contentType === 'text/html' ? body.htmls : body.texts).push(partText(part));
    return;
  }
  if (SIGNATURE_TYPES.has(part.contentType)) return;
  body.attachments.push({
    filename: safeFilename(part, body.attachments.length + 1),
    contentType: part.contentType,
    size: part.body.length,
    content: part.body,
  });
  const contentId = headerValue(part.headers, 'content-id');
  if (contentId && part.contentType.startsWith('image/')) {
    const cid = contentId.replace(/^<|>$/g, '').trim().toLowerCase();
    const dataUrl = `data:${part.contentType};base64,${part.body.toString('base64')}`;
    if (body.inlinedBytes + dataUrl.length <= MAX_INLINED_BYTES) {
      body.inline.set(cid, dataUrl);
      body.inlinedBytes += dataUrl.length;
    }
  }
}

function merge(into: Body, from: Body): void {
  into.texts.push(...from.texts);
  into.htmls.push(...from.htmls);
  for (const attachment of from.attachments) into.attachments.push(attachment);
  for (const [cid, url] of from.inline) into.inline.set(cid, url);
  into.inlinedBytes += from.inlinedBytes;
}

function walk(part: MimePart, body: Body): void {
  if (part.children.length === 0 || !part.contentType.startsWith('multipart/')) {
    addLeaf(part, body);
    return;
  }
  if (part.contentType !== 'multipart/alternative') {
    for (const child of part.children) walk(child, body);
    return;
  }
  // Alternatives say the same thing: the last one of each kind is the sender's best rendering.
  const readings = part.children.map((child) => {
    const reading = emptyBody();
    walk(child, reading);
    return reading;
  });
  const withText = readings.filter((reading) => reading.texts.length > 0).at(-1);
  const withHtml = readings.filter((reading) => reading.htmls.length > 0).at(-1);
  for (const reading of readings) {
    merge(body, {
      ...reading,
      texts: reading === withText ? reading.texts : [],
      htmls: reading === withHtml ? reading.htmls : [],
    });
  }
}

function sentAtOf(headers: MimeHeader[], receivedAt: Date): Date {
  const stamped = Date.parse(headerValue(headers, 'date') ?? '');
  // A missing or nonsensical Date (or a clock far in the future) gives way to the arrival time.
  if (Number.isNaN(stamped) || stamped > receivedAt.getTime() + 24 * 3600_000) return receivedAt;
  return new Date(stamped);
}

/** Mail without a Message-ID still needs a stable id, so a second delivery of it is a duplicate. */
function syntheticMessageId(root: MimePart): string {
  const hash = createHash('sha256');
  for (const name of ['from', 'to', 'date', 'subject'])
    hash.update(`${headerValue(root.headers, name) ?? ''}\n`);
  hash.update(root.body);
  return `<${hash.digest('hex').slice(0, 40)}@message-id.invalid>`;
}

function readMessage(root: MimePart, context: EmailContext): Result<Inbound[], ParseError> {
  const from = mailboxes(headerValue(root.headers, 'from'))
    .map((mailbox) => ({ ...mailbox, email: normalizeEmail(mailbox.address) }))
    .find((mailbox) => mailbox.email !== null);
  const email = from?.email ?? context.envelopeFrom;
  if (!email)
    return err(unparseable('the mail has no sender address (From: and MAIL FROM are empty or invalid)'));
  const name = from ? decodeWords(from.name).trim() : '';

  const body = emptyBody();
  walk(root, body);
  const subject = decodeWords(headerValue(root.headers, 'subject') ?? '').trim();
  const rawHtml = body.htmls.join('\n');
  let text = body.texts.join('\n\n').trim();
  if (text === '' && rawHtml !== '') text = htmlToText(rawHtml);
  if (text === '') text = subject;

  const messageId = messageIds(headerValue(root.headers, 'message-id'))[0] ?? syntheticMessageId(root);
  const references = messageIds(headerValue(root.headers, 'references'));
  const inReplyTo = messageIds(headerValue(root.headers, 'in-reply-to'))[0];
  const item: EmailMessageItem = {
    kind: 'message',
    providerMessageId: messageId,
    // The first id of References is the mail that opened the thread, whoever replied since.
    threadKey: references[0] ?? inReplyTo ?? messageId,
    from: { identifiers: [{ type: 'email', value: email }], ...(name !== '' ? { name } : {}) },
    text,
    ...(rawHtml.trim() !== '' ? { html: sanitizeEmailHtml(rawHtml, body.inline) } : {}),
    attachments: body.attachments,
    sentAt: sentAtOf(root.headers, context.receivedAt),
    ...(inReplyTo !== undefined ? { inReplyTo } : {}),
    ...(subject !== '' ? { subject } : {}),
  };
  return ok([item]);
}

function findPart(part: MimePart, types: ReadonlySet<string>): MimePart | undefined {
  if (types.has(part.contentType)) return part;
  for (const child of part.children) {
    const found = findPart(child, types);
    if (found) return found;
  }
  return undefined;
}

/** RFC 3461 xtext: `+XX` is a hex-encoded byte. */
function decodeXtext(value: string): string {
  return value.replace(/\+([0-9A-Fa-f]{2})/g, (_whole, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** Drops the type prefix of a DSN field (`rfc822; a@b`, `smtp; 550 …`). */
function typedValue(value: string | undefined): string {
  if (value === undefined) return '';
  const semicolon = value.indexOf(';');
  return (semicolon >= 0 ? value.slice(semicolon + 1) : value).trim();
}

function readDeliveryStatus(
  root: MimePart,
  statusPart: MimePart,
  context: EmailContext,
): Result<Inbound[], ParseError> {
  const blocks = partText(statusPart)
    .split(/\n[ \t]*\n/)
    .map((block) => readHeaderBlock(Buffer.from(`${block.trim()}\n\n`, 'utf8')))
    .filter((block) => block.length > 0);
  const [perMessage = [], ...perRecipient] = blocks;
  const original = findPart(root, ORIGINAL_HEADER_TYPES);
  const originalId = original
    ? messageIds(headerValue(readHeaderBlock(original.body), 'message-id'))[0]
    : undefined;
  // Our ENVID is our message id (see email-send.ts), so a report without the original headers
  // still names the mail, as long as the reporting server kept the envelope id.
  const envelopeId = headerValue(perMessage, 'original-envelope-id');
  const domain = context.address.split('@')[1] ?? '';
  const providerMessageId =
    originalId ?? (envelopeId ? `<${decodeXtext(envelopeId.trim())}@${domain}>` : undefined);
  if (providerMessageId === undefined) {
    return err(unparseable('a delivery status notification that names no original Message-ID'));
  }
  const failed: string[] = [];
  let delivered = false;
  for (const recipient of perRecipient) {
    const action = headerValue(recipient, 'action')?.trim().toLowerCase();
    if (action === 'delivered') delivered = true;
    if (action !== 'failed') continue;
    const who = typedValue(
      headerValue(recipient, 'final-recipient') ?? headerValue(recipient, 'original-recipient'),
    );
    const status = headerValue(recipient, 'status')?.trim() ?? '';
    const diagnostic = typedValue(headerValue(recipient, 'diagnostic-code'));
    failed.push([`${who}:`, status, diagnostic].filter((piece) => piece !== '' && piece !== ':').join(' '));
  }
  const at = sentAtOf(root.headers, context.receivedAt);
  if (failed.length > 0) {
    return ok([{ kind: 'receipt', providerMessageId, status: 'failed', error: failed.join('; '), at }]);
  }
  // "delayed" reports mean the sending server is still trying: nothing final to record yet.
  return ok(delivered ? [{ kind: 'receipt', providerMessageId, status: 'delivered', at }] : []);
}

/** The items of one received mail; no I/O. */
export function readEmail(raw: Buffer, context: EmailContext): Result<Inbound[], ParseError> {
  let root: MimePart;
  try {
    root = readMime(raw);
  } catch (error) {
    if (error instanceof MimeLimitError) return err(unparseable(error.message));
    throw error;
  }
  if (root.headers.length === 0) return err(unparseable('the body is not an e-mail message (no headers)'));
  if (root.contentType === 'multipart/report') {
    const statusPart = findPart(root, DELIVERY_STATUS_TYPES);
    if (statusPart) return readDeliveryStatus(root, statusPart, context);
  }
  return readMessage(root, context);
}
