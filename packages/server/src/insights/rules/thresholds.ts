// Support and confidence thresholds compared exactly, so a rule sitting exactly on a threshold is kept.
//
// arules keeps an itemset when count >= ceil(n * minSupport) computed in floating point, so
// 0.07 * 100 = 7.000000000000001 asks for 8 baskets instead of 7 and a boundary rule is lost. We read
// the threshold as the decimal the caller wrote (String(0.07) is "0.07" = 7/100) and compare integer
// counts against that fraction, which never drops or admits a rule by roundoff.

export type DecimalFraction = { numerator: bigint; denominator: bigint };

/** The exact fraction for the shortest decimal that prints as `x` (0.1 → 1/10, 2.5e-7 → 25/10^8). */
export function decimalFraction(x: number): DecimalFraction {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`expected a finite number ≥ 0, got ${x}`);
  const [mantissa = '0', exponent = '0'] = String(x).split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const shift = Number(exponent) - fraction.length;
  const numerator = BigInt(whole + fraction);
  return shift >= 0
    ? { numerator: numerator * 10n ** BigInt(shift), denominator: 1n }
    : { numerator, denominator: 10n ** BigInt(-shift) };
}

/** Smallest basket count whose support reaches `minSupport`; at least 1 (itemsets never seen are not mined). */
export function minSupportCount({
  minSupport,
  transactions,
}: {
  minSupport: number;
  transactions: number;
}): number {
  const { numerator, denominator } = decimalFraction(minSupport);
  const needed = (numerator * BigInt(transactions) + denominator - 1n) / denominator;
  return Math.max(1, Number(needed));
}

/** Whether a rule with `count` baskets for lhs ∪ rhs and `lhsCount` for lhs reaches the confidence. */
export type ConfidenceTest = (count: number, lhsCount: number) => boolean;

// arules' own test, used when the exact products could leave the safe-integer range (a threshold with
// ~16 significant digits, like 1/3): it keeps a rule when count / lhsCount >= minConfidence - 1e-12.
const ARULES_EPSILON = 1e-12;

export function confidenceTest({
  minConfidence,
  transactions,
}: {
  minConfidence: number;
  transactions: number;
}): ConfidenceTest {
  const { numerator, denominator } = decimalFraction(minConfidence);
  const p = Number(numerator);
  const q = Number(denominator);
  // count * q and p * lhsCount are both at most q * transactions (p ≤ q, counts ≤ transactions).
  if (numerator <= denominator && q * Math.max(1, transactions) <= Number.MAX_SAFE_INTEGER) {
    return (count, lhsCount) => count * q >= p * lhsCount;
  }
  return (count, lhsCount) => count / lhsCount >= minConfidence - ARULES_EPSILON;
}
