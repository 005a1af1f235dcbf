import { describe, expect, it } from 'vitest';
import { digamma, hypergeometric2F1, logGamma } from './special-functions.ts';

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(171)).toBeCloseTo(706.5730622457874, 9);
  });

  it('keeps Γ(x+1) = xΓ(x) for the small shapes the models fit', () => {
    for (const x of [1e-3, 0.05, 0.2426, 0.7929, 2.4259, 37.5]) {
      expect(logGamma(x + 1) - logGamma(x) - Math.log(x)).toBeCloseTo(0, 12);
    }
  });
});

describe('digamma', () => {
  it('matches ψ(1) = −γ and ψ(1/2) = −γ − 2 ln 2', () => {
    const euler = 0.5772156649015329;
    expect(digamma(1)).toBeCloseTo(-euler, 13);
    expect(digamma(0.5)).toBeCloseTo(-euler - 2 * Math.LN2, 13);
  });

  it('is the derivative of logGamma', () => {
    for (const x of [0.1, 0.79, 3.7, 50]) {
      const h = 1e-5 * x;
      expect(digamma(x)).toBeCloseTo((logGamma(x + h) - logGamma(x - h)) / (2 * h), 6);
    }
  });
});

describe('hypergeometric2F1', () => {
  it('matches closed forms: ₂F₁(1,1;2;z) = −ln(1−z)/z and ₂F₁(a,b;b;z) = (1−z)^−a', () => {
    for (const z of [0.1, 0.5, 0.9]) {
      expect(hypergeometric2F1({ a: 1, b: 1, c: 2, z })).toBeCloseTo(-Math.log(1 - z) / z, 12);
      expect(hypergeometric2F1({ a: 0.3, b: 2.5, c: 2.5, z })).toBeCloseTo((1 - z) ** -0.3, 12);
    }
  });

  it('refuses arguments outside the series radius instead of returning a wrong number', () => {
    expect(() => hypergeometric2F1({ a: 1, b: 1, c: 2, z: 1 })).toThrow(RangeError);
  });
});
