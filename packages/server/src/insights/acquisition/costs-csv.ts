// Acquisition costs from CSV text (an ad platform's export, a spreadsheet): one cost a row with
// the columns of `POST /api/insights/costs` — channel, campaign, amount, currency, from, to. Every
// row is checked before any is stored, as the customer and event imports do.
import { parse } from 'csv-parse/sync';
import { err, ok, type Result } from 'neverthrow';
import { fieldPath } from '../../api/error-handler.ts';
import { appError, type AppError } from '../../core/errors.ts';
import { CostBody } from '../retention.schema.ts';

const REQUIRED_COLUMNS = ['channel', 'amount', 'currency', 'from', 'to'] as const;
const MAX_ROW_ERRORS = 100;

type RowError = { row: number; field: string; message: string };

function rowsInvalid(field: string, message: string, details?: RowError[]): AppError {
  return appError('PSK_IMPORT_ROWS_INVALID', { field, message, ...(details ? { details } : {}) });
}

/** The costs of a CSV, or every faulty row (line number, column, reason). */
export function parseCostsCsv(csv: string): Result<CostBody[], AppError> {
  let records: Record<string, string>[];
  try {
    records = parse(csv, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    return err(rowsInvalid('csv', `The CSV cannot be read: ${(error as Error).message}`));
  }
  const header = Object.keys(records[0] ?? {});
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (records.length === 0) return err(rowsInvalid('csv', 'The CSV has no cost rows (field: csv)'));
  if (missing.length > 0)
    return err(rowsInvalid('csv', `The CSV lacks the column(s) ${missing.join(', ')} (field: csv)`));

  const costs: CostBody[] = [];
  const errors: RowError[] = [];
  records.forEach((record, index) => {
    const row = index + 2; // the line in the file, after the header
    // An empty cell is an absent value; `amount` arrives as text and must be a plain number
    // (thousands separators are refused rather than guessed).
    const amount = /^-?\d+(\.\d+)?$/.test(record.amount ?? '') ? Number(record.amount) : record.amount;
    const parsed = CostBody.safeParse({
      channel: record.channel,
      ...(record.campaign ? { campaign: record.campaign } : {}),
      amount,
      currency: record.currency,
      from: record.from,
      to: record.to,
    });
    if (parsed.success) costs.push(parsed.data);
    else
      for (const issue of parsed.error.issues.slice(0, 3))
        errors.push({ row, field: fieldPath(issue.path) || 'row', message: issue.message });
  });
  if (errors.length > 0) {
    const first = errors[0]!;
    return err(
      rowsInvalid(
        `row ${first.row}: ${first.field}`,
        `${errors.length} row error(s), first on row ${first.row} (${first.field}: ${first.message}); nothing was imported`,
        errors.slice(0, MAX_ROW_ERRORS),
      ),
    );
  }
  return ok(costs);
}
