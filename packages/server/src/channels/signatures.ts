// The one place provider signatures and shared secrets are compared. Every comparison is
// constant-time: a webhook endpoint is public, and `===` on a signature leaks how many leading
// characters an attacker guessed right.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256';
export type DigestEncoding = 'hex' | 'base64';

export function hmacDigest(
  algorithm: HmacAlgorithm,
  secret: string,
  payload: Buffer | string,
  encoding: DigestEncoding,
): string {
  return createHmac(algorithm, secret).update(payload).digest(encoding);
}

/**
 * Constant-time equality for values of any length. Both sides are hashed first because
 * `timingSafeEqual` needs equal lengths, and returning early on a length mismatch would tell an
 * attacker the length of the expected value.
 */
export function constantTimeEqual(a: Buffer | string, b: Buffer | string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** A shared secret sent as-is (a header or query value) compared with the configured one. */
export function secretMatches(received: string | undefined, expected: string): boolean {
  // An empty configured secret would let an empty or missing value through.
  if (received === undefined || expected === '') return false;
  return constantTimeEqual(received, expected);
}

export type HmacCheck = {
  algorithm: HmacAlgorithm;
  encoding: DigestEncoding;
  secret: string;
  payload: Buffer | string;
  /** The signature as received, e.g. the header value. */
  signature: string | undefined;
  /** What the provider puts before the digest, e.g. `sha256=`. */
  prefix?: string;
};

export function hmacMatches(check: HmacCheck): boolean {
  if (check.signature === undefined || check.signature === '' || check.secret === '') return false;
  const expected =
    (check.prefix ?? '') + hmacDigest(check.algorithm, check.secret, check.payload, check.encoding);
  return constantTimeEqual(expected, check.signature);
}
