import { describe, expect, it } from 'vitest';
import { CopyColumns, copyTextChunks } from './copy-text.ts';

const text = (rows: unknown[][]) => Buffer.concat([...copyTextChunks(rows)]).toString('utf8');

describe('COPY text encoding', () => {
  it('writes tab-separated rows with NULLs, dates, arrays, JSON and escapes', () => {
    expect(
      text([
        ['a', null, 42, new Date('2026-01-02T03:04:05.678Z'), ['x', 'y"z'], { k: 'v' }],
        ['tab\there', 'line\nbreak\r', 'back\\slash', undefined, 'کاربر آزمایشی', '{"a":"b\\"c"}'],
      ]),
    ).toBe(
      'a\t\\N\t42\t2026-01-02T03:04:05.678Z\t{"x","y\\\\"z"}\t{"k":"v"}\n' +
        'tab\\there\tline\\nbreak\\r\tback\\\\slash\t\\N\tکاربر آزمایشی\t{"a":"b\\\\"c"}\n',
    );
  });

  it('splits large inputs into chunks that join to the same text, values longer than a chunk included', () => {
    const long = 'ی'.repeat(50_000);
    const rows = Array.from({ length: 400 }, (_, i) => [`row-${i}`, i % 50 === 0 ? long : 'مقدار', i]);
    const chunks = [...copyTextChunks(rows)];
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(rows.map((r) => `${r.join('\t')}\n`).join(''));
  });

  it('copies columns encoded beforehand as they are, among values encoded in place', () => {
    const tail = ['line\nbreak', null, new Date('2026-01-02T03:04:05.678Z'), { k: 'مقدار' }];
    // Now and then a value longer than a chunk.
    const tailOf = (i: number) => (i % 1000 === 999 ? [...tail, 'ی'.repeat(50_000)] : tail);
    const rows = Array.from({ length: 3000 }, (_, i) => [
      `row-${i}`,
      i,
      new CopyColumns(CopyColumns.encode(tailOf(i))),
    ]);
    const chunks = [...copyTextChunks(rows)];
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(
      text(Array.from({ length: 3000 }, (_, i) => [`row-${i}`, i, ...tailOf(i)])),
    );
  });

  it('writes nothing for no rows', () => {
    expect([...copyTextChunks([])]).toEqual([]);
  });
});
