import { eigh } from '@ocellus/tensor/linalg';
import { describe, expect, it } from 'vitest';
import {
  columnOrthogonalityError,
  frobenius,
  hilbert,
  matmul,
  maxAbsDifference,
  randomMatrix,
  reconstructionError,
  withSpectrum,
} from './linalg-matrices.js';

function randomSymmetric(n: number, seed: number): Float64Array {
  const a = randomMatrix(n, n, seed);
  return Float64Array.from(a, (v, k) => v + a[(k % n) * n + Math.floor(k / n)]!);
}

/** ||A - V diag(values) V^T|| / ||A||, ||V^T V - I|| and ||A V - V diag(values)|| / ||A||. */
function errors(a: Float64Array, n: number) {
  const { values, vectors } = eigh(a, n);
  const transposed = Float64Array.from(
    { length: n * n },
    (_, k) => vectors[(k % n) * n + Math.floor(k / n)]!,
  );
  const av = matmul(a, vectors, n, n, n);
  const vd = Float64Array.from(vectors, (v, k) => v * values[k % n]!);
  const size = frobenius(a) || 1;
  return {
    values,
    vectors,
    reconstruction: reconstructionError(a, vectors, values, transposed, n, n),
    orthogonality: columnOrthogonalityError(vectors, n, n),
    residual: frobenius(av.map((v, k) => v - vd[k]!)) / size,
  };
}

function expectDescending(values: Float64Array): void {
  for (let j = 1; j < values.length; j++) expect(values[j]!).toBeLessThanOrEqual(values[j - 1]!);
}

describe('eigh', () => {
  it.each([2, 3, 5, 17, 40])('decomposes a random symmetric %i x %i matrix to machine precision', (n) => {
    const a = randomSymmetric(n, n);
    const result = errors(a, n);
    expect(result.reconstruction).toBeLessThan(1e-12);
    expect(result.orthogonality).toBeLessThan(1e-12);
    expect(result.residual).toBeLessThan(1e-12);
    expectDescending(result.values);
  });

  it('recovers a known spectrum with repeated, zero and negative eigenvalues from Q diag(d) Q^T', () => {
    const d = [4, -2.5, 3, 0, 3, 1e-3, 0, -7];
    const a = withSpectrum(d, 5);
    const result = errors(a, d.length);
    const expected = [...d].sort((x, y) => y - x);
    expect(maxAbsDifference(result.values, expected)).toBeLessThan(1e-14 * 7);
    expect(result.orthogonality).toBeLessThan(1e-12);
    expect(result.reconstruction).toBeLessThan(1e-12);
  });

  it('resolves the Hilbert matrix of order 8 down to its smallest eigenvalue', () => {
    // Eigenvalues of the exact Hilbert matrix, from mpmath.eigsy at 50 digits.
    const exact = [
      1.6959389969219494, 0.2981252113169307, 0.02621284357811905, 0.0014676881177418672,
      5.436943369749942e-5, 1.2943320918728114e-6, 1.7988737458175767e-8, 1.1115389663724424e-10,
    ];
    const result = errors(hilbert(8), 8);
    // Storing 1/3, 1/5, ... in float64 perturbs the matrix by ~eps, so eigenvalues agree to ~eps absolute.
    expect(maxAbsDifference(result.values, exact)).toBeLessThan(1e-14);
    expect(Math.abs(result.values[7]! / exact[7]! - 1)).toBeLessThan(1e-4);
    expect(result.orthogonality).toBeLessThan(1e-12);
    expect(result.reconstruction).toBeLessThan(1e-12);
  });

  it('finds the zero eigenvalues of a rank-2 Gram matrix', () => {
    const c = randomMatrix(6, 2, 9);
    const a = matmul(c, c, 6, 2, 6, false, true);
    const result = errors(a, 6);
    for (let j = 2; j < 6; j++) expect(Math.abs(result.values[j]!)).toBeLessThan(1e-14 * result.values[0]!);
    expect(result.values[1]!).toBeGreaterThan(1e-3);
    expect(result.orthogonality).toBeLessThan(1e-12);
    expect(result.reconstruction).toBeLessThan(1e-12);
  });

  it('returns a diagonal matrix with repeated values sorted, with unit vectors in index order on ties', () => {
    const d = [2, 5, 2, 5, 1];
    const a = Float64Array.from({ length: 25 }, (_, k) => (k % 6 === 0 ? d[k / 6]! : 0));
    const { values, vectors } = eigh(a, 5);
    expect(Array.from(values)).toEqual([5, 5, 2, 2, 1]);
    const columnOf = [1, 3, 0, 2, 4];
    const expected = Float64Array.from({ length: 25 }, (_, k) =>
      columnOf[k % 5] === Math.floor(k / 5) ? 1 : 0,
    );
    expect(vectors).toEqual(expected);
  });

  it('handles 1 x 1 and all-zero matrices', () => {
    expect(eigh(Float64Array.from([-3]), 1)).toEqual({
      values: Float64Array.from([-3]),
      vectors: Float64Array.from([1]),
    });
    const zero = eigh(new Float64Array(9), 3);
    expect(Array.from(zero.values)).toEqual([0, 0, 0]);
    expect(Array.from(zero.vectors)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('fixes each eigenvector sign so its largest entry is positive', () => {
    const { vectors } = eigh(randomSymmetric(7, 3), 7);
    for (let j = 0; j < 7; j++) {
      const column = Array.from({ length: 7 }, (_, i) => vectors[i * 7 + j]!);
      const largest = column.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
      expect(largest).toBeGreaterThan(0);
    }
  });

  it('decomposes the symmetric part of a non-symmetric input', () => {
    const a = randomMatrix(5, 5, 21);
    const symmetric = Float64Array.from(a, (v, k) => 0.5 * (v + a[(k % 5) * 5 + Math.floor(k / 5)]!));
    expect(eigh(a, 5)).toEqual(eigh(symmetric, 5));
  });

  it('refuses a wrongly sized or non-finite input', () => {
    expect(() => eigh(new Float64Array(5), 2)).toThrow(/eigh: expected 2x2 = 4 elements, got 5/);
    expect(() => eigh(Float64Array.from([1, Number.NaN, Number.NaN, 1]), 2)).toThrow(/element 1 is NaN/);
    expect(() => eigh(new Float64Array(0), 0)).toThrow(/rows must be a positive integer, got 0/);
  });
});
