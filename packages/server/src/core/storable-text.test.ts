import { describe, expect, it } from 'vitest';
import { withStorableText } from './storable-text.ts';

describe('storable text', () => {
  it('replaces NUL characters in strings at any depth, keys included, and leaves other values alone', () => {
    const at = new Date('2026-12-06T10:00:00Z');
    const bytes = Buffer.from([0, 1, 2]);
    const value = {
      text: 'سلام\u0000دنیا',
      from: [{ type: 'phone', value: '0912\u0000' }],
      'k\u0000': 1,
      at,
      bytes,
      none: null,
      count: 3,
    };
    const stored = withStorableText(value);
    expect(stored).toEqual({
      text: 'سلام\ufffdدنیا',
      from: [{ type: 'phone', value: '0912\ufffd' }],
      'k\ufffd': 1,
      at,
      bytes,
      none: null,
      count: 3,
    });
    expect(stored.at).toBe(at);
    expect(stored.bytes).toBe(bytes);
    expect(value.text).toBe('سلام\u0000دنیا');
  });
});
