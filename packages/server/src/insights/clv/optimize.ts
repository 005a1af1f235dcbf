// Small unconstrained minimisers for the CLV likelihoods (a handful of parameters, smooth objectives).
// Callers optimise over log-parameters, so every point the minimiser tries is a valid model.

export type Vector = readonly number[];

/** An objective that also returns its gradient; `value` may be non-finite outside the model's domain. */
export type SmoothObjective = (x: Vector) => { value: number; gradient: number[] };

export type MinimizeResult = {
  x: number[];
  value: number;
  gradient: number[];
  iterations: number;
  /** Objective evaluations (with gradient for BFGS, without for Nelder-Mead). */
  evaluations: number;
  converged: boolean;
};

function dot(u: Vector, v: Vector): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i] ?? 0) * (v[i] ?? 0);
  return s;
}

function axpy({ x, step, direction }: { x: Vector; step: number; direction: Vector }): number[] {
  return x.map((xi, i) => xi + step * (direction[i] ?? 0));
}

function maxAbs(v: Vector): number {
  return v.reduce((m, vi) => Math.max(m, Math.abs(vi)), 0);
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

function matVec(m: readonly (readonly number[])[], v: Vector): number[] {
  return m.map((row) => dot(row, v));
}

type LineSearchResult = { step: number; point: { value: number; gradient: number[] }; evaluations: number };

/**
 * Weak Wolfe line search by bracketing and bisection (Lewis & Overton). The curvature condition it
 * guarantees keeps the BFGS update positive definite; non-finite values count as "too far".
 */
function wolfeLineSearch({
  f,
  x,
  direction,
  value,
  slope,
}: {
  f: SmoothObjective;
  x: Vector;
  direction: Vector;
  value: number;
  slope: number;
}): LineSearchResult | null {
  const c1 = 1e-4;
  const c2 = 0.9;
  let lo = 0;
  let hi = Infinity;
  let step = 1;
  let best: LineSearchResult | null = null;
  for (let evaluations = 1; evaluations <= 60; evaluations++) {
    const point = f(axpy({ x, step, direction }));
    if (!Number.isFinite(point.value) || point.value > value + c1 * step * slope) {
      hi = step;
    } else {
      best = { step, point, evaluations };
      if (dot(point.gradient, direction) < c2 * slope) {
        lo = step;
      } else {
        return best;
      }
    }
    step = Number.isFinite(hi) ? (lo + hi) / 2 : 2 * lo;
  }
  // A step that only decreases the objective is still progress near the noise floor.
  return best;
}

/** BFGS with a weak Wolfe line search; stops when every gradient component is below the tolerance. */
export function minimizeBfgs({
  f,
  x0,
  gradientTolerance = 1e-10,
  maxIterations = 500,
}: {
  f: SmoothObjective;
  x0: Vector;
  gradientTolerance?: number;
  maxIterations?: number;
}): MinimizeResult {
  const n = x0.length;
  let x = [...x0];
  let current = f(x);
  if (!Number.isFinite(current.value)) {
    throw new RangeError('minimizeBfgs: the objective is not finite at the starting point');
  }
  let evaluations = 1;
  let inverseHessian = identity(n);
  let firstStep = true;
  let stalled = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(current.gradient) < gradientTolerance) {
      return { x, ...current, iterations: iteration, evaluations, converged: true };
    }
    let direction = matVec(inverseHessian, current.gradient).map((d) => -d);
    let slope = dot(direction, current.gradient);
    if (!(slope < 0)) {
      // Rounding has spoiled the curvature model: fall back to steepest descent.
      inverseHessian = identity(n);
      direction = current.gradient.map((g) => -g);
      slope = dot(direction, current.gradient);
    }
    const search = wolfeLineSearch({ f, x, direction, value: current.value, slope });
    if (search === null) {
      return { x, ...current, iterations: iteration, evaluations: evaluations + 60, converged: false };
    }
    evaluations += search.evaluations;
    // Near the optimum the decrease falls below the rounding of the objective: further steps
    // only wander in the noise, so stop and leave the last digits to Newton's method.
    const decrease = current.value - search.point.value;
    stalled = decrease <= 4 * Number.EPSILON * Math.abs(current.value) ? stalled + 1 : 0;
    const s = direction.map((d) => d * search.step);
    const y = search.point.gradient.map((g, i) => g - (current.gradient[i] ?? 0));
    x = axpy({ x, step: search.step, direction });
    current = search.point;
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (firstStep) {
        // Scale the first inverse Hessian to the observed curvature (Nocedal & Wright, eq. 6.20).
        const scale = sy / dot(y, y);
        inverseHessian = inverseHessian.map((row) => row.map((v) => v * scale));
        firstStep = false;
      }
      inverseHessian = bfgsUpdate({ inverseHessian, s, y, sy });
    }
    if (stalled >= 2) {
      return {
        x,
        ...current,
        iterations: iteration + 1,
        evaluations,
        converged: maxAbs(current.gradient) < gradientTolerance,
      };
    }
  }
  return {
    x,
    ...current,
    iterations: maxIterations,
    evaluations,
    converged: maxAbs(current.gradient) < gradientTolerance,
  };
}

function bfgsUpdate({
  inverseHessian,
  s,
  y,
  sy,
}: {
  inverseHessian: number[][];
  s: Vector;
  y: Vector;
  sy: number;
}): number[][] {
  // H+ = (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ, expanded to avoid forming the products.
  const rho = 1 / sy;
  const hy = matVec(inverseHessian, y);
  const yhy = dot(y, hy);
  return inverseHessian.map((row, i) =>
    row.map((hij, j) => {
      const si = s[i] ?? 0;
      const sj = s[j] ?? 0;
      return hij - rho * ((hy[i] ?? 0) * sj + si * (hy[j] ?? 0)) + (rho * rho * yhy + rho) * si * sj;
    }),
  );
}

/**
 * Newton steps with a Hessian taken by central differences of the analytic gradient. BFGS stops
 * with an approximate curvature; a step or two of Newton takes the optimum to the last digits.
 */
export function newtonPolish({
  f,
  start,
  steps = 3,
}: {
  f: SmoothObjective;
  start: MinimizeResult;
  steps?: number;
}): MinimizeResult {
  let best = start;
  let evaluations = start.evaluations;
  for (let k = 0; k < steps; k++) {
    const hessian = finiteDifferenceHessian({ f, x: best.x });
    evaluations += 2 * best.x.length;
    const delta = solveSymmetric({ matrix: hessian, rhs: best.gradient.map((g) => -g) });
    if (delta === null) break;
    const x = axpy({ x: best.x, step: 1, direction: delta });
    const point = f(x);
    evaluations += 1;
    // So close to the optimum the objective is flat to rounding (a sum over customers, each term
    // rounded): judge by the gradient, allowing the value that rounding error.
    const noise = 1e-12 * Math.max(1, Math.abs(best.value));
    if (!(point.value <= best.value + noise) || !(maxAbs(point.gradient) < maxAbs(best.gradient))) break;
    best = { ...best, x, ...point };
  }
  return { ...best, evaluations };
}

/** Hessian by central differences of the gradient, symmetrised. */
export function finiteDifferenceHessian({
  f,
  x,
  relativeStep = 1e-5,
}: {
  f: SmoothObjective;
  x: Vector;
  relativeStep?: number;
}): number[][] {
  const n = x.length;
  const columns = x.map((xi, j) => {
    const h = relativeStep * Math.max(1, Math.abs(xi));
    const plus = f(x.map((v, i) => (i === j ? v + h : v))).gradient;
    const minus = f(x.map((v, i) => (i === j ? v - h : v))).gradient;
    return plus.map((p, i) => (p - (minus[i] ?? 0)) / (2 * h));
  });
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => 0.5 * ((columns[j]?.[i] ?? 0) + (columns[i]?.[j] ?? 0))),
  );
}

/** Central-difference gradient of a plain function (tests use it to check analytic gradients). */
export function finiteDifferenceGradient({
  f,
  x,
  relativeStep = 1e-6,
}: {
  f: (x: Vector) => number;
  x: Vector;
  relativeStep?: number;
}): number[] {
  return x.map((xi, j) => {
    const h = relativeStep * Math.max(1, Math.abs(xi));
    const plus = f(x.map((v, i) => (i === j ? v + h : v)));
    const minus = f(x.map((v, i) => (i === j ? v - h : v)));
    return (plus - minus) / (2 * h);
  });
}

/** Solves A x = b by Cholesky; null when A is not positive definite (not at a minimum). */
export function solveSymmetric({
  matrix,
  rhs,
}: {
  matrix: readonly (readonly number[])[];
  rhs: Vector;
}): number[] | null {
  const n = rhs.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = matrix[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) s -= (l[i]?.[k] ?? 0) * (l[j]?.[k] ?? 0);
      if (i === j) {
        if (!(s > 0)) return null;
        (l[i] as number[])[i] = Math.sqrt(s);
      } else {
        (l[i] as number[])[j] = s / (l[j]?.[j] ?? 1);
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = rhs[i] ?? 0;
    for (let k = 0; k < i; k++) s -= (l[i]?.[k] ?? 0) * (y[k] ?? 0);
    y[i] = s / (l[i]?.[i] ?? 1);
  }
  const out = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] ?? 0;
    for (let k = i + 1; k < n; k++) s -= (l[k]?.[i] ?? 0) * (out[k] ?? 0);
    out[i] = s / (l[i]?.[i] ?? 1);
  }
  return out;
}

/**
 * Nelder-Mead simplex (the method `lifetimes` uses through SciPy). Kept as the derivative-free
 * reference: the benchmark and tests compare the BFGS fit with it from the same start.
 */
export function minimizeNelderMead({
  f,
  x0,
  initialStep = 0.1,
  xTolerance = 1e-9,
  fTolerance = 1e-12,
  maxIterations = 20_000,
}: {
  f: (x: Vector) => number;
  x0: Vector;
  initialStep?: number;
  xTolerance?: number;
  fTolerance?: number;
  maxIterations?: number;
}): Omit<MinimizeResult, 'gradient'> {
  const n = x0.length;
  const safe = (x: Vector): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let simplex = [x0, ...x0.map((_, j) => x0.map((v, i) => (i === j ? v + initialStep : v)))].map((x) => ({
    x: [...x],
    value: safe(x),
  }));
  let evaluations = n + 1;
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    simplex.sort((p, q) => p.value - q.value);
    const bestPoint = simplex[0] as { x: number[]; value: number };
    const worst = simplex[n] as { x: number[]; value: number };
    const spread = Math.max(
      ...simplex.slice(1).map((p) => maxAbs(p.x.map((v, i) => v - (bestPoint.x[i] ?? 0)))),
    );
    const valueSpread = Math.max(...simplex.slice(1).map((p) => Math.abs(p.value - bestPoint.value)));
    if (spread <= xTolerance && valueSpread <= fTolerance) break;
    const centroid = bestPoint.x.map(
      (_, i) => simplex.slice(0, n).reduce((s, p) => s + (p.x[i] ?? 0), 0) / n,
    );
    const along = (t: number): number[] => centroid.map((c, i) => c + t * (c - (worst.x[i] ?? 0)));
    const reflected = along(1);
    const reflectedValue = safe(reflected);
    evaluations++;
    const secondWorst = simplex[n - 1]?.value ?? Infinity;
    if (reflectedValue < bestPoint.value) {
      const expanded = along(2);
      const expandedValue = safe(expanded);
      evaluations++;
      simplex[n] =
        expandedValue < reflectedValue
          ? { x: expanded, value: expandedValue }
          : { x: reflected, value: reflectedValue };
    } else if (reflectedValue < secondWorst) {
      simplex[n] = { x: reflected, value: reflectedValue };
    } else {
      const outside = reflectedValue < worst.value;
      const contracted = along(outside ? 0.5 : -0.5);
      const contractedValue = safe(contracted);
      evaluations++;
      if (contractedValue < (outside ? reflectedValue : worst.value)) {
        simplex[n] = { x: contracted, value: contractedValue };
      } else {
        simplex = simplex.map((p, k) => {
          if (k === 0) return p;
          const x = p.x.map((v, i) => (bestPoint.x[i] ?? 0) + 0.5 * (v - (bestPoint.x[i] ?? 0)));
          return { x, value: safe(x) };
        });
        evaluations += n;
      }
    }
  }
  simplex.sort((p, q) => p.value - q.value);
  const bestPoint = simplex[0] as { x: number[]; value: number };
  return {
    x: bestPoint.x,
    value: bestPoint.value,
    iterations: iteration,
    evaluations,
    converged: iteration < maxIterations,
  };
}
