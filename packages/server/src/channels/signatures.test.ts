import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hmacDigest, hmacMatches, secretMatches } from './signatures.ts';

describe('signature helpers', () => {
  it('computes the HMAC-SHA256 of a published example', () => {
    // The WhatsApp Elixir SDK documents compute_signature("test", "secret") with this digest.
    expect(hmacDigest('sha256', 'secret', 'test', 'hex')).toBe(
      '0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914',
    );
  });

  it('compares values of different lengths without throwing', () => {
    expect(constantTimeEqual('short', 'a much longer value')).toBe(false);
    expect(constantTimeEqual('same', 'same')).toBe(true);
  });

  it('accepts a signature only with its prefix and the right key', () => {
    const check = {
      algorithm: 'sha256',
      encoding: 'hex',
      secret: 'secret',
      payload: 'test',
      prefix: 'sha256=',
    } as const;
    const digest = '0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914';
    expect(hmacMatches({ ...check, signature: `sha256=${digest}` })).toBe(true);
    expect(hmacMatches({ ...check, signature: digest })).toBe(false);
    expect(hmacMatches({ ...check, secret: 'other', signature: `sha256=${digest}` })).toBe(false);
  });

  it('never accepts anything when the configured secret is empty', () => {
    const empty = hmacDigest('sha256', '', 'test', 'hex');
    expect(
      hmacMatches({ algorithm: 'sha256', encoding: 'hex', secret: '', payload: 'test', signature: empty }),
    ).toBe(false);
    expect(secretMatches('', '')).toBe(false);
    expect(secretMatches(undefined, 'x')).toBe(false);
  });
});
