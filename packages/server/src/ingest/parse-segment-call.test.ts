import { describe, expect, it } from 'vitest';
import { parseSegmentCall } from './parse-segment-call.ts';
import { EVENT_TYPES } from './segment.schema.ts';
import { SegmentCall } from './segment.schema.ts';

const BASES: Record<string, unknown>[] = [
  { type: 'identify', userId: 'u-1', traits: { email: 'a@b.ir', phone: '09121234567' } },
  { type: 'track', anonymousId: 'a-1', event: 'Product Viewed', properties: { price: 1 } },
  { type: 'page', userId: 7, name: 'Home', category: 'Docs', properties: {} },
  { type: 'screen', userId: 'u-1', name: 'Cart' },
  { type: 'group', userId: 'u-1', groupId: 'g-1', traits: { name: 'Acme' } },
  { type: 'alias', userId: 'u-1', previousId: 'a-1' },
];

const long = (n: number) => 'x'.repeat(n);
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  '   ',
  '  padded  ',
  long(40),
  long(41),
  long(200),
  long(201),
  long(257),
  0,
  12.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  [],
  ['x'],
  {},
  { nested: { a: 1 } },
  JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'),
  { constructor: 'x' },
  Object.create(null),
  new Date('2026-01-01T00:00:00Z'),
  '2026-01-01T00:00:00.000Z',
  'not a date',
  1767225600000,
];
const FIELDS = [
  'type',
  'messageId',
  'userId',
  'anonymousId',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'context',
  'integrations',
  'channel',
  'traits',
  'event',
  'properties',
  'name',
  'category',
  'groupId',
  'previousId',
  'constructor',
  'toString',
  '__proto__',
  'unknownField',
];

function withField(base: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const copy = { ...base };
  if (value === undefined) delete copy[field];
  else Object.defineProperty(copy, field, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

describe('parseSegmentCall', () => {
  it('answers exactly as the Zod schema, for valid and invalid calls alike', () => {
    const inputs: unknown[] = [null, 'a string', 42, [], ...BASES];
    for (const base of BASES) {
      for (const field of FIELDS) for (const value of VALUES) inputs.push(withField(base, field, value));
      for (const type of [...EVENT_TYPES, 'other']) inputs.push({ ...base, type });
      inputs.push({ ...base, userId: null, anonymousId: null });
    }
    for (const input of inputs) {
      const mine = parseSegmentCall(input);
      const zod = SegmentCall.safeParse(input);
      expect(mine.success, JSON.stringify(input)).toBe(zod.success);
      if (mine.success && zod.success) expect(mine.data).toStrictEqual(zod.data);
      if (!mine.success && !zod.success) expect(mine.error.issues).toEqual(zod.error.issues);
    }
  });

  it('keeps the common shape as sent (no copy), trimming ids as the schema does', () => {
    const context = { ip: '10.0.0.1', locale: 'fa-IR' };
    const properties = { price: 185000000, name: 'گوشی' };
    const parsed = parseSegmentCall({
      type: 'track',
      messageId: ' m-1 ',
      userId: ' u-1 ',
      anonymousId: 12,
      event: 'Product Viewed',
      timestamp: '2026-01-01T00:00:00.000Z',
      context,
      properties,
      extra: 'ignored',
    });
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.data).toEqual({
      type: 'track',
      messageId: 'm-1',
      userId: 'u-1',
      anonymousId: '12',
      event: 'Product Viewed',
      timestamp: '2026-01-01T00:00:00.000Z',
      context,
      properties,
    });
    expect(parsed.data.context).toBe(context);
  });
});
