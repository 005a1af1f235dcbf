// The kinds of identifier that can point at a customer, and how each is normalised so that
// the same person written two ways (upper-case email, 0912… vs +98912…) is one identifier.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { toLatinDigits } from './persian-text.ts';

export const HANDLE_TYPES = [
  'telegram',
  'whatsapp',
  'instagram',
  'messenger',
  'twitter',
  'bale',
  'webchat',
  'voice',
] as const;
export type HandleType = (typeof HANDLE_TYPES)[number];

export const BASE_IDENTIFIER_TYPES = ['userId', 'anonymousId', 'email', 'phone', ...HANDLE_TYPES] as const;
export type IdentifierType = (typeof BASE_IDENTIFIER_TYPES)[number] | `external:${string}`;

export type Identifier = {
  type: IdentifierType;
  value: string;
  /**
   * Type and value as one string (identity's `keyOf`), made once where an event is read: identity
   * resolution looks each identifier up several times, and making a key per look-up put the
   * function that did it at 5–7 % of the ingest thread's profile (docs/benchmarks.md, sixth session).
   */
  key?: string;
};

/** One string for an identifier's type and value, as maps of identifiers are keyed. */
export const keyOf = (id: { type: string; value: string; key?: string }): string =>
  id.key ?? `${id.type}\u0000${id.value}`;

const EXTERNAL = /^external:[a-z0-9_.-]{1,64}$/;

export function isIdentifierType(type: string): type is IdentifierType {
  return (BASE_IDENTIFIER_TYPES as readonly string[]).includes(type) || EXTERNAL.test(type);
}

/** E.164 for any way an Iranian or international number is written; null when it is not a phone. */
export function normalizePhone(raw: string, defaultCountry: CountryCode = 'IR'): string | null {
  let text = toLatinDigits(raw).replace(/[\s\-().]/g, '');
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  return parsed?.isValid() ? parsed.number : null;
}

export function normalizeEmail(raw: string): string | null {
  const email = toLatinDigits(raw).trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

/** The canonical value of an identifier, or null when the value is not valid for its type. */
export function normalizeIdentifier(type: IdentifierType, raw: unknown): string | null {
  if (typeof raw === 'number' && Number.isFinite(raw)) raw = String(raw);
  if (typeof raw !== 'string') return null;
  const trimmed = raw.trim();
  if (trimmed === '' || trimmed.length > 256) return null;
  switch (type) {
    case 'email':
      return normalizeEmail(trimmed);
    case 'phone':
    case 'whatsapp':
      return normalizePhone(trimmed);
    case 'twitter':
    case 'instagram':
    case 'telegram':
    case 'bale':
      // Handles are case-insensitive on these networks; numeric ids pass through unchanged.
      return trimmed.replace(/^@/, '').toLowerCase();
    default:
      return trimmed;
  }
}
