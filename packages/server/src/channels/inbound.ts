// Helpers every adapter's `parse` and `verify` share: reading a raw request without trusting it.
import { err, ok, type Result } from 'neverthrow';
import type { z } from 'zod';
import { normalizePhone, type Identifier } from '../core/identifiers.ts';
import type { ParseError, RawWebhook } from './channel-adapter.ts';

/**
 * When the inbox stored the request. The webhook is acknowledged first and parsed later in a
 * worker, so "now" at parse time can be minutes late; the inbox may pass the arrival time in
 * this header (RawWebhook has no field for it). Providers that send no timestamp of their own
 * (SMS receipts, Telegram button presses) use it.
 */
export const RECEIVED_AT_HEADER = 'x-pishkhan-received-at';

/** Header lookup that does not depend on how the caller cased the names. */
export function header(req: RawWebhook, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export function receivedAt(req: RawWebhook): Date {
  const stamped = header(req, RECEIVED_AT_HEADER);
  const at = stamped === undefined ? Number.NaN : Date.parse(stamped);
  return Number.isNaN(at) ? new Date() : new Date(at);
}

/** Providers mix Unix seconds and milliseconds (Meta does both in one payload); tell them apart by size. */
export function fromEpoch(value: number | string): Date {
  const n = typeof value === 'string' ? Number(value) : value;
  return new Date(n < 1e12 ? n * 1000 : n);
}

export function unparseable(reason: string): ParseError {
  return { type: 'unparseable', reason };
}

export function parseJsonBody(req: RawWebhook): Result<unknown, ParseError> {
  try {
    return ok(JSON.parse(req.rawBody.toString('utf8')) as unknown);
  } catch {
    return err(unparseable('the body is not valid JSON'));
  }
}

/** The parameters of a form post, or of the query string when the provider calls with GET. */
export function formParams(req: RawWebhook): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (value !== undefined) params[key] = value;
  }
  if (req.method.toUpperCase() !== 'GET' && req.rawBody.length > 0) {
    for (const [key, value] of new URLSearchParams(req.rawBody.toString('utf8'))) params[key] = value;
  }
  return params;
}

export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): Result<T, ParseError> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return err(unparseable(`${what}${where}: ${issue?.message ?? 'invalid'}`));
}

/**
 * A phone number as a `phone` identifier, or — when it is not a valid phone (a short code, an
 * alphanumeric sender, a PBX extension) — as `fallbackType` with the raw value, so the sender is
 * still someone rather than no one.
 */
export function phoneIdentifiers(
  raw: string,
  fallbackType: Identifier['type'],
  defaultCountry?: Parameters<typeof normalizePhone>[1],
): Identifier[] {
  const phone = normalizePhone(raw, defaultCountry);
  return phone === null ? [{ type: fallbackType, value: raw.trim() }] : [{ type: 'phone', value: phone }];
}
