// Kavenegar's numeric codes (kavenegar.com/rest.html): message states, and the API's error codes
// that say more than their HTTP class.
import type { DeliveryStatus, SendFailure } from '../../channel-adapter.ts';

/**
 * Message states: 1 queued, 2 scheduled, 4 and 5 handed to the operator, 6 failed at the line,
 * 10 delivered, 11 not delivered, 13 cancelled (refunded), 14 blocked by the recipient (who
 * refused advertising lines), 100 unknown message id.
 */
export function kavenegarDeliveryStatus(code: number): DeliveryStatus | null {
  switch (code) {
    case 1:
    case 2:
      return 'queued';
    case 4:
    case 5:
      return 'sent';
    case 10:
      return 'delivered';
    case 6:
    case 11:
    case 13:
    case 14:
      return 'failed';
    default:
      return null;
  }
}

// Codes an admin must fix before anything can be sent: account disabled (401), bad API key
// (403), no access (407), sender line not valid (412), caller IP not allowed (416), no credit
// (418), line needs permission (427), test account (501). The inbox is disabled until then.
const NEEDS_ADMIN = new Set([401, 403, 407, 412, 416, 418, 427, 501]);
// Server busy (409) and rate limits (429, 451) pass with time.
const PASSES = new Set([409, 429, 451]);

/** The class of a Kavenegar error code, or undefined to fall back on its HTTP class. */
export function kavenegarFailureClass(code: number): SendFailure['type'] | undefined {
  if (NEEDS_ADMIN.has(code)) return 'auth';
  if (PASSES.has(code)) return 'transient';
  return undefined;
}
