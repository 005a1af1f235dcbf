// CSV rows → Segment calls. A customers file gives identify calls (every column not an
// identifier is a trait); an events file gives track calls (or any `type` column), with
// `properties.x` columns or a `properties` JSON column. Every row is checked before any is written.
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { err, ok, type Result } from 'neverthrow';
import { fieldPath } from '../api/error-handler.ts';
import { appError, type AppError } from '../core/errors.ts';
import { withStorableText } from '../core/storable-text.ts';
import { SegmentCall } from '../ingest/segment.schema.ts';

export type ImportKind = 'customers' | 'events';
export type RowError = { row: number; field: string; message: string };

const IDENTITY_COLUMNS = new Set([
  'userId',
  'anonymousId',
  'messageId',
  'timestamp',
  'type',
  'event',
  'channel',
  'groupId',
  'properties',
]);
const MAX_ROW_ERRORS = 100;

export function csvToCalls(input: { kind: ImportKind; csv: string }): Result<SegmentCall[], AppError> {
  let records: Record<string, string>[];
  try {
    records = parse(withStorableText(input.csv), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: false,
    });
  } catch (error) {
    return err(
      appError('PSK_IMPORT_ROWS_INVALID', {
        field: 'csv',
        message: `The CSV cannot be read: ${(error as Error).message}`,
      }),
    );
  }
  if (records.length === 0)
    return err(
      appError('PSK_IMPORT_ROWS_INVALID', {
        field: 'csv',
        message: 'The CSV has a header but no rows (field: csv)',
      }),
    );
  const calls: SegmentCall[] = [];
  const errors: RowError[] = [];
  records.forEach((record, index) => {
    const row = index + 2; // line number in the file, after the header
    const built = input.kind === 'customers' ? customerCall(record) : eventCall(record);
    if ('error' in built) {
      errors.push({ row, field: built.field, message: built.error });
      return;
    }
    const parsed = SegmentCall.safeParse(built.call);
    if (parsed.success) calls.push(parsed.data);
    else
      for (const issue of parsed.error.issues.slice(0, 3))
        errors.push({ row, field: fieldPath(issue.path) || 'row', message: issue.message });
  });
  if (errors.length > 0) {
    const first = errors[0]!;
    return err(
      appError('PSK_IMPORT_ROWS_INVALID', {
        field: `row ${first.row}: ${first.field}`,
        message: `${errors.length} row error(s), first on row ${first.row} (${first.field}: ${first.message}); nothing was imported`,
        details: errors.slice(0, MAX_ROW_ERRORS),
      }),
    );
  }
  return ok(calls);
}

type Built = { call: Record<string, unknown> } | { error: string; field: string };

function rowMessageId(kind: ImportKind, record: Record<string, string>): string {
  // Re-importing the same file stores nothing twice: the row's content is its idempotency key.
  return (
    record.messageId ||
    `import-${kind}-${createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 32)}`
  );
}

function customerCall(record: Record<string, string>): Built {
  const traits: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record))
    if (!IDENTITY_COLUMNS.has(key) && value !== '') traits[key] = value;
  if (!record.userId && !record.anonymousId && !traits.email && !traits.phone) {
    return { error: 'a customer row needs userId, anonymousId, email or phone', field: 'userId' };
  }
  return {
    call: {
      type: 'identify',
      messageId: rowMessageId('customers', record),
      userId: record.userId || null,
      // identify needs an id; email/phone-only rows are keyed by the identifier itself
      anonymousId:
        record.anonymousId || (record.userId ? null : `import:${String(traits.email ?? traits.phone)}`),
      traits,
      timestamp: record.timestamp || undefined,
      channel: record.channel || 'import',
    },
  };
}

function eventCall(record: Record<string, string>): Built {
  let properties: Record<string, unknown> = {};
  if (record.properties) {
    try {
      const parsed: unknown = JSON.parse(record.properties);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        return { error: 'must be a JSON object', field: 'properties' };
      properties = parsed as Record<string, unknown>;
    } catch {
      return { error: 'is not valid JSON', field: 'properties' };
    }
  }
  const traits: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === '') continue;
    if (key.startsWith('properties.')) properties[key.slice('properties.'.length)] = numberOrText(value);
    if (key === 'email' || key === 'phone') traits[key] = value;
  }
  const type = record.type || 'track';
  return {
    call: {
      type,
      messageId: rowMessageId('events', record),
      userId: record.userId || null,
      anonymousId:
        record.anonymousId ||
        (record.userId
          ? null
          : traits.email || traits.phone
            ? `import:${String(traits.email ?? traits.phone)}`
            : null),
      event: record.event || undefined,
      name: type === 'page' || type === 'screen' ? record.event || undefined : undefined,
      groupId: record.groupId || undefined,
      properties,
      context: Object.keys(traits).length ? { traits } : undefined,
      timestamp: record.timestamp || undefined,
      channel: record.channel || 'import',
    },
  };
}

function numberOrText(value: string): unknown {
  return /^-?\d+(\.\d+)?$/.test(value) && value.length < 16 ? Number(value) : value;
}
