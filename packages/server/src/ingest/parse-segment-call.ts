// Validates one Segment call. The common shape — a JSON object whose every field is of the type
// the schema asks for — is checked by hand; anything else (a fault, or an input the hand check is
// not sure about) goes through the Zod schema, which alone decides what is wrong and says so.
// Why: Zod's generic walk and its copy of every context and properties object cost about 6 % of
// the hub's CPU per ingested event, and more in garbage collection. The hand check accepts only inputs the schema accepts and
// returns what the schema would (a test compares the two on valid and invalid calls).
import type { z } from 'zod';
import { EVENT_TYPES, SegmentCall, type EventType } from './segment.schema.ts';

type Parsed = { success: true; data: SegmentCall } | { success: false; error: z.ZodError };

export function parseSegmentCall(input: unknown): Parsed {
  const data = checkCommonShape(input);
  return data ? { success: true, data } : SegmentCall.safeParse(input);
}

type Fields = Record<string, unknown>;
// Each check returns the field's parsed value, or FAIL when the schema must decide.
const FAIL = Symbol('fail');
type Check = (v: unknown) => unknown;

/** The schema's output for `input`, or null when only the schema can tell. */
function checkCommonShape(input: unknown): SegmentCall | null {
  if (!isJsonObject(input)) return null;
  const type = input.type as EventType;
  if (!(EVENT_TYPES as readonly unknown[]).includes(type)) return null;
  const out: Fields = { type };
  for (const key in input) {
    if (key === 'type') continue;
    const check = FIELD_CHECKS[type].get(key);
    if (!check) continue; // unknown fields are ignored, as the schema strips them
    const value = input[key];
    const parsed = check(value);
    if (parsed === FAIL) return null;
    out[key] = parsed;
  }
  for (const required of REQUIRED[type]) if (!(required in out)) return null;
  // userId or anonymousId is required (an alias has its own required userId).
  if (type !== 'alias' && !out.userId && !out.anonymousId) return null;
  return out as SegmentCall;
}

const trimmed = (min: number, max: number) => (v: unknown) => {
  if (typeof v !== 'string') return FAIL;
  const text = v.trim();
  return text.length >= min && text.length <= max ? text : FAIL;
};
const nullable =
  (check: Check) =>
  (v: unknown): unknown =>
    v === null ? null : check(v);
const idText = trimmed(1, 256);
const id = (v: unknown) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : FAIL) : idText(v));
const dateLike = (v: unknown) =>
  (typeof v === 'string' || typeof v === 'number') && !Number.isNaN(new Date(v).getTime()) ? v : FAIL;
// The schema copies a record without an own `__proto__` key; without one, the object itself is equal.
const record = (v: unknown) => (isJsonObject(v) && !Object.hasOwn(v, '__proto__') ? v : FAIL);
const maxString = (max: number) => (v: unknown) => (typeof v === 'string' && v.length <= max ? v : FAIL);

const COMMON: [string, Check][] = [
  ['messageId', trimmed(1, 200)],
  ['userId', nullable(id)],
  ['anonymousId', nullable(id)],
  ['timestamp', nullable(dateLike)],
  ['originalTimestamp', nullable(dateLike)],
  ['sentAt', nullable(dateLike)],
  ['context', nullable(record)],
  ['integrations', nullable(record)],
  ['channel', nullable(trimmed(1, 40))],
];
// Maps, not object literals: a field named `constructor` must not find Object's own.
const checks = (own: [string, Check][]) => new Map([...COMMON, ...own]);
const FIELD_CHECKS: Record<EventType, Map<string, Check>> = {
  identify: checks([['traits', nullable(record)]]),
  track: checks([
    ['event', trimmed(1, 200)],
    ['properties', nullable(record)],
  ]),
  page: checks([
    ['name', nullable(maxString(200))],
    ['category', nullable(maxString(200))],
    ['properties', nullable(record)],
  ]),
  screen: checks([
    ['name', nullable(maxString(200))],
    ['properties', nullable(record)],
  ]),
  group: checks([
    ['groupId', id],
    ['traits', nullable(record)],
  ]),
  alias: checks([
    ['previousId', id],
    ['userId', id],
  ]),
};

const REQUIRED: Record<EventType, string[]> = {
  identify: [],
  track: ['event'],
  page: [],
  screen: [],
  group: ['groupId'],
  alias: ['previousId', 'userId'],
};

/** A plain object as JSON.parse makes them: no inherited or odd prototypes to reason about. */
function isJsonObject(value: unknown): value is Fields {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}
