import { describe, expect, it } from 'vitest';
import { bestPassage, splitPassages, truncate } from './passages.ts';

const body = [
  '# Refunds',
  'We refund cancelled orders and returns.',
  '## To a bank card',
  'Refunds to a bank card take up to 72 hours on working days after approval.',
  'Refunds to the wallet are immediate.',
].join('\n\n');

describe('passages', () => {
  it('splits an article into blocks, each heading with the block after it', () => {
    expect(splitPassages(body)).toEqual([
      '# Refunds\nWe refund cancelled orders and returns.',
      '## To a bank card\nRefunds to a bank card take up to 72 hours on working days after approval.',
      'Refunds to the wallet are immediate.',
    ]);
  });

  it('picks the block holding the most question weight', () => {
    const idf = new Map([
      ['bank', 2],
      ['card', 1.5],
      ['refund', 0.2],
    ]);
    const passage = bestPassage({ body, idf, minLength: 0 });
    expect(passage.index).toBe(1);
    expect(passage.text).toContain('72 hours');
  });

  it('adds the next block to a short winner', () => {
    const idf = new Map([['cancel', 2]]);
    expect(bestPassage({ body, idf, minLength: 200 }).text).toContain('72 hours');
  });

  it('truncates at a word boundary', () => {
    expect(truncate('one two three four', 10)).toBe('one two…');
  });
});
