// L2-regularised binary logistic regression on sparse rows, fitted with L-BFGS.
// Full-batch and deterministic: the same rows always give the same weights, so a shipped
// model can be reproduced exactly and cross-validation figures do not wobble between runs.

/** Rows in compressed sparse row form: row i uses `indices`/`values` from `offsets[i]` to `offsets[i+1]`. */
export type SparseRows = {
  offsets: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  columns: number;
};

export type LogisticRegressionOptions = {
  /** Inverse regularisation strength (as in liblinear/scikit-learn): larger fits the data more closely. */
  c: number;
  maxIterations?: number;
  /** Stop when the gradient's infinity norm falls below this. */
  tolerance?: number;
  /** Or when one step lowers the objective by less than this fraction of it. */
  relativeTolerance?: number;
};

export type LogisticRegressionFit = {
  weights: Float64Array;
  bias: number;
  iterations: number;
};

const HISTORY = 10;

/** Fits `P(y=1|x) = sigmoid(w·x + b)` minimising `c·Σ logloss + ½‖w‖²` (the bias is not penalised). */
export function fitLogisticRegression(input: {
  rows: SparseRows;
  /** 1 for the positive class, 0 for the negative one. */
  labels: Uint8Array;
  options: LogisticRegressionOptions;
}): LogisticRegressionFit {
  const { rows, labels, options } = input;
  const maxIterations = options.maxIterations ?? 300;
  const tolerance = options.tolerance ?? 1e-4;
  const n = rows.columns + 1; // the last coordinate is the bias
  const x = new Float64Array(n);
  const g = new Float64Array(n);
  let f = objective({ rows, labels, c: options.c, params: x, gradient: g });

  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const direction = new Float64Array(n);
  const alpha = new Float64Array(HISTORY);
  const xNext = new Float64Array(n);
  const gNext = new Float64Array(n);
  let iterations = 0;

  while (iterations < maxIterations && infinityNorm(g) > tolerance) {
    iterations++;
    // Two-loop recursion: direction = -H·g with the implicit inverse-Hessian estimate.
    for (let i = 0; i < n; i++) direction[i] = -(g[i] ?? 0);
    for (let k = s.length - 1; k >= 0; k--) {
      const a = (rho[k] ?? 0) * dot(s[k]!, direction);
      alpha[k] = a;
      axpy(-a, y[k]!, direction);
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last]!, y[last]!) / dot(y[last]!, y[last]!);
      for (let i = 0; i < n; i++) direction[i] = (direction[i] ?? 0) * gamma;
    } else {
      // First step: a unit-length move so the line search starts on a sensible scale.
      const scale = 1 / Math.max(1, Math.sqrt(dot(direction, direction)));
      for (let i = 0; i < n; i++) direction[i] = (direction[i] ?? 0) * scale;
    }
    for (let k = 0; k < s.length; k++) {
      const b = (rho[k] ?? 0) * dot(y[k]!, direction);
      axpy((alpha[k] ?? 0) - b, s[k]!, direction);
    }

    let slope = dot(g, direction);
    if (slope >= 0) {
      // Lost descent (numerical noise): restart from steepest descent.
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -(g[i] ?? 0);
      slope = dot(g, direction);
    }

    // Backtracking (Armijo) line search; L-BFGS steps are well scaled, so step 1 is usually accepted.
    let step = 1;
    let fNext = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNext[i] = (x[i] ?? 0) + step * (direction[i] ?? 0);
      fNext = objective({ rows, labels, c: options.c, params: xNext, gradient: gNext });
      if (fNext <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNext < f)) break; // no progress possible at machine precision

    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sk[i] = (xNext[i] ?? 0) - (x[i] ?? 0);
      yk[i] = (gNext[i] ?? 0) - (g[i] ?? 0);
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      if (s.length === HISTORY) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
    }
    x.set(xNext);
    g.set(gNext);
    const relativeChange = (f - fNext) / Math.max(1, Math.abs(f));
    f = fNext;
    if (relativeChange < (options.relativeTolerance ?? 1e-12)) break;
  }

  return { weights: x.slice(0, rows.columns), bias: x[rows.columns] ?? 0, iterations };
}

/** The raw score `w·x + b` of one row. */
export function rowMargin(input: {
  rows: SparseRows;
  row: number;
  weights: Float64Array;
  bias: number;
}): number {
  const { rows, row, weights, bias } = input;
  let z = bias;
  const end = rows.offsets[row + 1] ?? 0;
  for (let p = rows.offsets[row] ?? 0; p < end; p++) {
    z += (weights[rows.indices[p] ?? 0] ?? 0) * (rows.values[p] ?? 0);
  }
  return z;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Objective value; writes its gradient into `gradient`. */
function objective(input: {
  rows: SparseRows;
  labels: Uint8Array;
  c: number;
  params: Float64Array;
  gradient: Float64Array;
}): number {
  const { rows, labels, c, params, gradient } = input;
  const columns = rows.columns;
  const bias = params[columns] ?? 0;
  let loss = 0;
  let biasGradient = 0;
  for (let j = 0; j < columns; j++) gradient[j] = params[j] ?? 0;
  let penalty = 0;
  for (let j = 0; j < columns; j++) penalty += (params[j] ?? 0) * (params[j] ?? 0);
  const rowCount = rows.offsets.length - 1;
  for (let r = 0; r < rowCount; r++) {
    const start = rows.offsets[r] ?? 0;
    const end = rows.offsets[r + 1] ?? 0;
    let z = bias;
    for (let p = start; p < end; p++) z += (params[rows.indices[p] ?? 0] ?? 0) * (rows.values[p] ?? 0);
    const label = labels[r] ?? 0;
    // log(1 + e^{-m}) with margin m = ±z, written to stay finite for large |z|.
    const m = label === 1 ? z : -z;
    loss += m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
    const residual = c * (sigmoid(z) - label);
    biasGradient += residual;
    for (let p = start; p < end; p++) {
      const j = rows.indices[p] ?? 0;
      gradient[j] = (gradient[j] ?? 0) + residual * (rows.values[p] ?? 0);
    }
  }
  gradient[columns] = biasGradient;
  return c * loss + 0.5 * penalty;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

function axpy(a: number, x: Float64Array, target: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] ?? 0) + a * (x[i] ?? 0);
}

function infinityNorm(v: Float64Array): number {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i] ?? 0));
  return max;
}
