import { describe, expect, it } from 'vitest';
import { parseCostsCsv } from './costs-csv.ts';

describe('acquisition costs from CSV', () => {
  it('reads one cost a row, an empty campaign meaning the whole channel', () => {
    const csv = [
      '\uFEFFchannel,campaign,amount,currency,from,to',
      'Google,spring,400,usd,2025-03-01,2025-04-01',
      'instagram,,1250.5,IRR,2025-03-01T00:00:00Z,2025-03-15T00:00:00Z',
    ].join('\r\n');
    const costs = parseCostsCsv(csv)._unsafeUnwrap();
    expect(costs).toEqual([
      {
        channel: 'google',
        campaign: 'spring',
        amount: 400,
        currency: 'USD',
        from: new Date('2025-03-01T00:00:00Z'),
        to: new Date('2025-04-01T00:00:00Z'),
      },
      {
        channel: 'instagram',
        amount: 1250.5,
        currency: 'IRR',
        from: new Date('2025-03-01T00:00:00Z'),
        to: new Date('2025-03-15T00:00:00Z'),
      },
    ]);
  });

  it('names the line and column of every faulty row and stores none', () => {
    const csv = [
      'channel,amount,currency,from,to',
      'google,100,USD,2025-03-01,2025-04-01',
      'google,"1,000",USD,2025-03-01,2025-04-01',
      'email,5,dollars,2025-04-01,2025-03-01',
    ].join('\n');
    const error = parseCostsCsv(csv)._unsafeUnwrapErr();
    expect(error.type).toBe('PSK_IMPORT_ROWS_INVALID');
    expect(error.field).toBe('row 3: amount');
    expect(error.details).toEqual([
      { row: 3, field: 'amount', message: expect.any(String) },
      { row: 4, field: 'currency', message: 'must be an ISO 4217 code' },
      { row: 4, field: 'to', message: 'must be after `from`' },
    ]);
  });

  it('refuses a file without the required columns or without rows', () => {
    expect(parseCostsCsv('channel,amount\ngoogle,1')._unsafeUnwrapErr().message).toContain(
      'currency, from, to',
    );
    expect(parseCostsCsv('channel,amount,currency,from,to\n')._unsafeUnwrapErr().field).toBe('csv');
    expect(parseCostsCsv('channel,amount\n"unclosed')._unsafeUnwrapErr().field).toBe('csv');
  });
});
