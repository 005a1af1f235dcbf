import { randomBytes, randomFillSync } from 'node:crypto';

// Random bytes drawn in bulk: one randomFillSync per 4,096 ids instead of one per id (the
// per-call cost dominated ingest profiles).
const POOL_IDS = 4096;
const pool = Buffer.alloc(POOL_IDS * 16);
let poolOffset = pool.length;

/**
 * UUIDv7: time-ordered, so rows written together sit together in indexes and an event id
 * sorts with its arrival; no global sequence is needed (tables can be distributed by workspace).
 */
export function uuidv7(now = Date.now()): string {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A secret shown once (API token, write key); only its hash is stored. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
