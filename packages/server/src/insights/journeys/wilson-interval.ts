// The Wilson score interval for a proportion (Wilson 1927): unlike the normal approximation it
// stays inside [0, 1] and is honest for small counts and rates near 0 or 1 — the small cells of a
// channel × segment × stage table are exactly that.

const Z95 = 1.959963984540054;

/** The 95% interval [low, high] of `successes` out of `trials` (trials > 0). */
export function wilsonInterval(successes: number, trials: number, z = Z95): [number, number] {
  if (trials <= 0) throw new Error('wilsonInterval needs at least one trial');
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
