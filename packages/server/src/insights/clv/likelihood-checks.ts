// Test support: evidence that a fitted point is a maximum of a log-likelihood, without trusting
// the fit's own gradient code.
import { finiteDifferenceGradient, type Vector } from './optimize.ts';

/** ∂LL/∂log θ by central differences: scale-free, so one tolerance serves every parameter. */
export function logParameterGradient({
  logLikelihood,
  point,
}: {
  logLikelihood: (params: Vector) => number;
  point: Vector;
}): number[] {
  return finiteDifferenceGradient({
    f: (theta) => logLikelihood(theta.map(Math.exp)),
    x: point.map(Math.log),
    relativeStep: 1e-5,
  });
}

/**
 * Points at a relative distance `step` from `point`: ± along every axis and along a fixed set
 * of pseudo-random directions (a seeded generator keeps the test reproducible).
 */
export function neighbourhood({
  point,
  step,
  randomDirections = 24,
}: {
  point: Vector;
  step: number;
  randomDirections?: number;
}): number[][] {
  const axes = point.flatMap((_, j) =>
    [1, -1].map((sign) => point.map((v, i) => (i === j ? v * (1 + sign * step) : v))),
  );
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const others = Array.from({ length: randomDirections }, () => {
    const direction = point.map(() => random());
    const norm = Math.hypot(...direction);
    return point.map((v, i) => v * (1 + (step * (direction[i] ?? 0)) / norm));
  });
  return [...axes, ...others];
}
