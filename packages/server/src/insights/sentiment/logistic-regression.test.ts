import { describe, expect, it } from 'vitest';
import { fitLogisticRegression, rowMargin, sigmoid, type SparseRows } from './logistic-regression.ts';
import { mulberry32 } from './cross-validation.ts';

function randomProblem(seed: number): { rows: SparseRows; labels: Uint8Array } {
  const random = mulberry32(seed);
  const columns = 20;
  const rowCount = 200;
  const truth = Array.from({ length: columns }, () => random() * 4 - 2);
  const offsets = new Int32Array(rowCount + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const labels = new Uint8Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    let z = 0;
    for (let j = 0; j < columns; j++) {
      if (random() < 0.3) {
        const value = random();
        indices.push(j);
        values.push(value);
        z += (truth[j] ?? 0) * value;
      }
    }
    labels[r] = random() < sigmoid(z) ? 1 : 0;
    offsets[r + 1] = indices.length;
  }
  return {
    rows: { offsets, indices: Int32Array.from(indices), values: Float64Array.from(values), columns },
    labels,
  };
}

describe('logistic regression (L-BFGS)', () => {
  it('stops at the minimum of the regularised loss (its gradient is zero)', () => {
    const { rows, labels } = randomProblem(7);
    const c = 2;
    const fit = fitLogisticRegression({
      rows,
      labels,
      options: { c, tolerance: 1e-8, relativeTolerance: 0, maxIterations: 1000 },
    });
    const gradient = Array.from(fit.weights);
    let biasGradient = 0;
    for (let r = 0; r < labels.length; r++) {
      const residual =
        c * (sigmoid(rowMargin({ rows, row: r, weights: fit.weights, bias: fit.bias })) - (labels[r] ?? 0));
      biasGradient += residual;
      for (let p = rows.offsets[r] ?? 0; p < (rows.offsets[r + 1] ?? 0); p++) {
        const j = rows.indices[p] ?? 0;
        gradient[j] = (gradient[j] ?? 0) + residual * (rows.values[p] ?? 0);
      }
    }
    expect(Math.max(...gradient.map(Math.abs), Math.abs(biasGradient))).toBeLessThan(1e-5);
  });

  it('separates linearly separable rows', () => {
    const rows: SparseRows = {
      offsets: Int32Array.from([0, 1, 2, 3, 4]),
      indices: Int32Array.from([0, 0, 1, 1]),
      values: Float64Array.from([1, 1, 1, 1]),
      columns: 2,
    };
    const labels = Uint8Array.from([1, 1, 0, 0]);
    const fit = fitLogisticRegression({ rows, labels, options: { c: 10 } });
    const margins = [0, 1, 2, 3].map((row) => rowMargin({ rows, row, weights: fit.weights, bias: fit.bias }));
    expect(margins.map((m) => (m > 0 ? 1 : 0))).toEqual([1, 1, 0, 0]);
  });
});
