import { describe, expect, it } from 'vitest';
import { minimizeBfgs, minimizeNelderMead, newtonPolish, solveSymmetric, type Vector } from './optimize.ts';

// Rosenbrock's banana: a narrow curved valley, minimum 0 at (1, 1).
function rosenbrock(v: Vector): { value: number; gradient: number[] } {
  const x = v[0] ?? 0;
  const y = v[1] ?? 0;
  return {
    value: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    gradient: [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  };
}

describe('minimizeBfgs', () => {
  it('finds the minimum of the Rosenbrock valley from the classic start', () => {
    const result = newtonPolish({ f: rosenbrock, start: minimizeBfgs({ f: rosenbrock, x0: [-1.2, 1] }) });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(1, 8);
  });

  it('backs off from points where the objective is not finite', () => {
    // log-barrier: undefined for x <= 0, minimum at x = 1.
    const f = (v: Vector): { value: number; gradient: number[] } => {
      const x = v[0] ?? 0;
      return x > 0 ? { value: x - Math.log(x), gradient: [1 - 1 / x] } : { value: NaN, gradient: [NaN] };
    };
    expect(minimizeBfgs({ f, x0: [20] }).x[0]).toBeCloseTo(1, 8);
  });
});

describe('minimizeNelderMead', () => {
  it('finds the minimum of the Rosenbrock valley without derivatives', () => {
    const result = minimizeNelderMead({ f: (v) => rosenbrock(v).value, x0: [-1.2, 1], initialStep: 0.5 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
  });
});

describe('solveSymmetric', () => {
  it('solves a positive definite system and refuses an indefinite one', () => {
    expect(
      solveSymmetric({
        matrix: [
          [4, 1],
          [1, 3],
        ],
        rhs: [1, 2],
      }),
    ).toEqual([expect.closeTo(1 / 11, 14), expect.closeTo(7 / 11, 14)]);
    expect(
      solveSymmetric({
        matrix: [
          [1, 2],
          [2, 1],
        ],
        rhs: [1, 1],
      }),
    ).toBeNull();
  });
});
