import { describe, expect, it } from 'vitest';
import { areaUnderRoc } from './auc.ts';
import {
  fitDenseLogisticRegression,
  logisticObjective,
  predictProbability,
  sigmoid,
} from './logistic-regression.ts';

describe('dense L2 logistic regression', () => {
  it('has an analytic gradient that matches central finite differences', () => {
    const x = [
      [0.5, -1.2, 2],
      [-0.3, 0.8, -1],
      [1.5, 0.1, 0.3],
      [-2, -0.4, 0.9],
      [0.2, 1.7, -0.6],
    ];
    const y = [1, 0, 1, 0, 1];
    const theta = [0.3, -0.7, 1.1, 0.25];
    const { gradient } = logisticObjective(theta, x, y, 0.8);
    const h = 1e-6;
    theta.forEach((_, j) => {
      const up = theta.map((t, k) => (k === j ? t + h : t));
      const down = theta.map((t, k) => (k === j ? t - h : t));
      const numeric =
        (logisticObjective(up, x, y, 0.8).value - logisticObjective(down, x, y, 0.8).value) / (2 * h);
      expect(gradient[j]).toBeCloseTo(numeric, 6);
    });
  });

  it('stops at a zero gradient of the penalised objective', () => {
    const rows = Array.from({ length: 60 }, (_, i) => [Math.sin(i), Math.cos(3 * i) * 10, i % 7]);
    const labels = rows.map((r, i) => (r[0]! + 0.1 * r[1]! + ((i * 37) % 11) / 11 - 0.5 > 0 ? 1 : 0));
    const fit = fitDenseLogisticRegression({ rows, labels, lambda: 0.5 });
    const x = rows.map((r) => r.map((v, j) => (v - fit.means[j]!) / fit.sds[j]!));
    const { gradient } = logisticObjective([fit.bias, ...fit.weights], x, labels, 0.5);
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-6);
    expect(fit.iterations).toBeLessThan(20);
  });

  it('separates a separable toy set perfectly while the penalty keeps the weights finite', () => {
    const rows = [[1], [2], [3], [4], [6], [7], [8], [9]];
    const labels = [0, 0, 0, 0, 1, 1, 1, 1];
    const fit = fitDenseLogisticRegression({ rows, labels, lambda: 0.01 });
    expect(Number.isFinite(fit.weights[0])).toBe(true);
    expect(fit.weights[0]).toBeGreaterThan(0);
    const p = rows.map((r) => predictProbability(fit, r));
    rows.forEach((_, i) => expect(p[i]! > 0.5).toBe(labels[i] === 1));
    expect(predictProbability(fit, [5])).toBeCloseTo(0.5, 6);
    expect(areaUnderRoc(p, labels)).toBe(1);
  });

  it('gives a constant column no weight', () => {
    const rows = [
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
    ];
    const fit = fitDenseLogisticRegression({ rows, labels: [0, 1, 0, 1] });
    expect(fit.weights[1]).toBe(0);
  });

  it('computes the sigmoid without overflow at large margins', () => {
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
  });
});
