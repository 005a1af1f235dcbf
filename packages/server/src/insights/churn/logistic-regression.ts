// L2-regularised binary logistic regression on a few dense features, fitted by Newton's method
// (IRLS). With ~10 standardised features the Hessian is tiny, so each step costs one pass over
// the rows and a Cholesky solve, and the fit converges in a handful of steps to the exact
// optimum — deterministic, no learning rate to tune.

export type DenseLogisticFit = {
  /** Weights on the standardised features, in the order of the columns. */
  weights: number[];
  bias: number;
  /** Column means and standard deviations used to standardise (sd 1 for a constant column). */
  means: number[];
  sds: number[];
  iterations: number;
};

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function standardize(rows: readonly number[][]): { means: number[]; sds: number[] } {
  const columns = rows[0]?.length ?? 0;
  const means = new Array<number>(columns).fill(0);
  const sds = new Array<number>(columns).fill(0);
  for (const row of rows) for (let j = 0; j < columns; j++) means[j]! += row[j]! / rows.length;
  for (const row of rows)
    for (let j = 0; j < columns; j++) sds[j]! += (row[j]! - means[j]!) ** 2 / rows.length;
  // A constant column keeps sd 1: it then standardises to 0 and its weight stays at 0.
  return { means, sds: sds.map((v) => (v > 0 ? Math.sqrt(v) : 1)) };
}

/**
 * The objective: Σ log-loss + (λ/2)·‖w‖², the bias not penalised; θ = [bias, w…] on rows that
 * are already standardised. Returns its value and gradient (for the gradient check in tests).
 */
export function logisticObjective(
  theta: readonly number[],
  x: readonly number[][],
  y: readonly number[],
  lambda: number,
): { value: number; gradient: number[] } {
  const gradient = new Array<number>(theta.length).fill(0);
  let value = 0;
  for (let i = 0; i < x.length; i++) {
    const row = x[i]!;
    let z = theta[0]!;
    for (let j = 0; j < row.length; j++) z += theta[j + 1]! * row[j]!;
    value += softplus(z) - y[i]! * z;
    const residual = sigmoid(z) - y[i]!;
    gradient[0]! += residual;
    for (let j = 0; j < row.length; j++) gradient[j + 1]! += residual * row[j]!;
  }
  for (let j = 1; j < theta.length; j++) {
    value += (lambda / 2) * theta[j]! ** 2;
    gradient[j]! += lambda * theta[j]!;
  }
  return { value, gradient };
}

/** Solves A·x = b for a symmetric positive-definite A (Cholesky). */
function solveSpd(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      // The penalty keeps A positive definite except for the bias; a tiny floor guards round-off.
      l[i]![j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j]![j]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * z[k]!;
    z[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}

/** Fits on raw rows (standardised here) with labels 0/1; `lambda` is the L2 strength. */
export function fitDenseLogisticRegression(input: {
  rows: readonly number[][];
  labels: readonly number[];
  lambda?: number;
  maxIterations?: number;
  tolerance?: number;
}): DenseLogisticFit {
  const lambda = input.lambda ?? 1;
  const { means, sds } = standardize(input.rows);
  const x = input.rows.map((row) => row.map((v, j) => (v - means[j]!) / sds[j]!));
  const p = (x[0]?.length ?? 0) + 1;
  let theta = new Array<number>(p).fill(0);
  let current = logisticObjective(theta, x, input.labels, lambda);
  let iterations = 0;
  for (; iterations < (input.maxIterations ?? 50); iterations++) {
    if (Math.max(...current.gradient.map(Math.abs)) < (input.tolerance ?? 1e-8) * x.length) break;
    const hessian = Array.from({ length: p }, (_, i) =>
      Array.from({ length: p }, (_, j) => (i === j && i > 0 ? lambda : 0)),
    );
    for (const row of x) {
      let z = theta[0]!;
      for (let j = 0; j < row.length; j++) z += theta[j + 1]! * row[j]!;
      const s = sigmoid(z);
      const w = s * (1 - s);
      for (let a = 0; a < p; a++) {
        const xa = a === 0 ? 1 : row[a - 1]!;
        for (let b = 0; b <= a; b++) hessian[a]![b]! += w * xa * (b === 0 ? 1 : row[b - 1]!);
      }
    }
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) hessian[a]![b] = hessian[b]![a]!;
    const step = solveSpd(hessian, current.gradient);
    // Newton with step halving: the objective is convex, so a full step almost always lowers it;
    // halving covers the first steps on (near-)separable data.
    let scale = 1;
    let next = theta.map((t, j) => t - step[j]!);
    let nextValue = logisticObjective(next, x, input.labels, lambda);
    while (nextValue.value > current.value && scale > 1e-6) {
      scale /= 2;
      next = theta.map((t, j) => t - scale * step[j]!);
      nextValue = logisticObjective(next, x, input.labels, lambda);
    }
    const improvement = current.value - nextValue.value;
    theta = next;
    current = nextValue;
    if (improvement >= 0 && improvement < 1e-12 * Math.max(1, Math.abs(current.value))) {
      iterations++;
      break;
    }
  }
  return { weights: theta.slice(1), bias: theta[0]!, means, sds, iterations };
}

/** P(label 1) for a raw (unstandardised) row. */
export function predictProbability(fit: DenseLogisticFit, row: readonly number[]): number {
  let z = fit.bias;
  for (let j = 0; j < row.length; j++) z += (fit.weights[j]! * (row[j]! - fit.means[j]!)) / fit.sds[j]!;
  return sigmoid(z);
}
