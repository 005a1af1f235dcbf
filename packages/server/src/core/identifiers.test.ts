import { describe, expect, it } from 'vitest';
import { normalizeIdentifier, normalizePhone } from './identifiers.ts';

describe('identifier normalisation', () => {
  it.each([
    ['09121234567'],
    ['+989121234567'],
    ['00989121234567'],
    ['۰۹۱۲۱۲۳۴۵۶۷'],
    ['٠٩١٢١٢٣٤٥٦٧'],
    ['0912 123 4567'],
    ['9121234567'],
  ])('normalises the Iranian mobile %s to E.164', (raw) => {
    expect(normalizePhone(raw)).toBe('+989121234567');
  });
  it('keeps international numbers international', () => {
    expect(normalizePhone('+1 (415) 555-2671')).toBe('+14155552671');
  });
  it('rejects what is not a phone', () => {
    expect(normalizePhone('hello')).toBeNull();
    expect(normalizePhone('123')).toBeNull();
  });
  it('lower-cases and trims emails and rejects malformed ones', () => {
    expect(normalizeIdentifier('email', '  Sara@Example.COM ')).toBe('sara@example.com');
    expect(normalizeIdentifier('email', 'not-an-email')).toBeNull();
  });
  it('strips the @ of social handles', () => {
    expect(normalizeIdentifier('twitter', '@Pishkhan')).toBe('pishkhan');
  });
});
