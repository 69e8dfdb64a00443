import { eigh, svd } from '@ocellus/tensor/linalg';
import { describe, expect, it } from 'vitest';
import {
  columnOrthogonalityError,
  hilbert,
  matmul,
  maxAbsDifference,
  randomMatrix,
  randomOrthogonal,
  reconstructionError,
} from './linalg-matrices.js';

/** Reconstruction and orthogonality of a thin SVD, plus the checks every result must pass. */
function check(a: Float64Array, m: number, n: number) {
  const result = svd(a, m, n);
  const r = Math.min(m, n);
  expect(result.u.length).toBe(m * r);
  expect(result.s.length).toBe(r);
  expect(result.vt.length).toBe(r * n);
  for (let j = 0; j < r; j++) {
    expect(result.s[j]!).toBeGreaterThanOrEqual(0);
    if (j > 0) expect(result.s[j]!).toBeLessThanOrEqual(result.s[j - 1]!);
  }
  const v = Float64Array.from({ length: n * r }, (_, k) => result.vt[(k % r) * n + Math.floor(k / r)]!);
  return {
    ...result,
    reconstruction: reconstructionError(a, result.u, result.s, result.vt, m, n),
    uOrthogonality: columnOrthogonalityError(result.u, m, r),
    vOrthogonality: columnOrthogonalityError(v, n, r),
  };
}

function expectExact(result: ReturnType<typeof check>): void {
  expect(result.reconstruction).toBeLessThan(1e-12);
  expect(result.uOrthogonality).toBeLessThan(1e-12);
  expect(result.vOrthogonality).toBeLessThan(1e-12);
}

describe('svd', () => {
  it.each([
    [5, 5],
    [8, 3],
    [3, 8],
    [30, 17],
    [17, 30],
    [1, 1],
    [1, 7],
    [7, 1],
  ])('factors a random %i x %i matrix with orthonormal factors', (m, n) => {
    expectExact(check(randomMatrix(m, n, 100 * m + n), m, n));
  });

  it('squares its singular values into the eigenvalues of A^T A', () => {
    const [m, n] = [12, 7];
    const a = randomMatrix(m, n, 4);
    const { s } = svd(a, m, n);
    const { values } = eigh(matmul(a, a, n, m, n, true, false), n);
    expect(
      maxAbsDifference(
        s.map((sj) => sj * sj),
        values,
      ),
    ).toBeLessThan(1e-13 * values[0]!);
  });

  it('recovers prescribed singular values of U0 diag(d) V0^T', () => {
    const d = [9, 4, 4, 0.5, 1e-6];
    const [m, n] = [8, 5];
    const u0 = randomOrthogonal(m, 30).filter((_, k) => k % m < n);
    const v0 = randomOrthogonal(n, 40);
    const a = matmul(
      u0.map((x, k) => x * d[k % n]!),
      v0,
      m,
      n,
      n,
      false,
      true,
    );
    const result = check(a, m, n);
    expect(maxAbsDifference(result.s, d)).toBeLessThan(1e-14 * 9);
    expectExact(result);
  });

  it('matches the eigenvalues of the ill-conditioned Hilbert matrix of order 8', () => {
    const h = hilbert(8);
    const result = check(h, 8, 8);
    const { values } = eigh(h, 8);
    expect(maxAbsDifference(result.s, values)).toBeLessThan(1e-15 * 8);
    expect(result.s[7]!).toBeGreaterThan(1e-10);
    expectExact(result);
  });

  it.each([
    [7, 5],
    [5, 7],
  ])('finds rank 2 of a %i x %i product of thin factors, with orthonormal null-space vectors', (m, n) => {
    const a = matmul(randomMatrix(m, 2, 1), randomMatrix(2, n, 2), m, 2, n);
    const result = check(a, m, n);
    for (let j = 2; j < result.s.length; j++) expect(result.s[j]!).toBeLessThan(1e-14 * result.s[0]!);
    expect(result.s[1]!).toBeGreaterThan(1e-2);
    expectExact(result);
  });

  it('completes the factors with orthonormal vectors for exactly zero singular values', () => {
    // Columns: c, 0, c — rank 1 with an exact zero column.
    const a = Float64Array.from([1, 0, 1, 2, 0, 2, -1, 0, -1, 3, 0, 3]);
    const result = check(a, 4, 3);
    expect(result.s[0]).toBeCloseTo(Math.sqrt(30), 14);
    expect(Array.from(result.s.subarray(1))).toEqual([0, 0]);
    expectExact(result);
    const zero = check(new Float64Array(12), 3, 4);
    expect(Array.from(zero.s)).toEqual([0, 0, 0]);
    expect(zero.uOrthogonality).toBeLessThan(1e-12);
    expect(zero.vOrthogonality).toBeLessThan(1e-12);
  });

  it('orders repeated singular values of a diagonal matrix and keeps ties in index order', () => {
    const a = Float64Array.from([3, 0, 0, 0, -1, 0, 0, 0, 3]);
    const { u, s, vt } = svd(a, 3, 3);
    expect(Array.from(s)).toEqual([3, 3, 1]);
    expect(Array.from(vt)).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    expect(Array.from(u)).toEqual([1, 0, 0, 0, 0, -1, 0, 1, 0]);
  });

  it('gives a single row its norm and direction', () => {
    const row = Float64Array.from([3, -4, 0, -12]);
    const { u, s, vt } = svd(row, 1, 4);
    expect(s[0]).toBeCloseTo(13, 14);
    expect(u[0]).toBe(-1);
    expect(Array.from(vt).map((x) => x * 13)).toEqual([-3, 4, 0, 12].map((x) => expect.closeTo(x, 13)));
  });

  it('neither overflows nor underflows on matrices scaled by 1e200 and 1e-200', () => {
    const a = randomMatrix(6, 4, 77);
    const base = svd(a, 6, 4).s;
    for (const scale of [1e200, 1e-200]) {
      const result = check(
        a.map((x) => x * scale),
        6,
        4,
      );
      expectExact(result);
      expect(
        maxAbsDifference(
          result.s.map((sj) => sj / scale),
          base,
        ),
      ).toBeLessThan(1e-14 * base[0]!);
    }
  });

  it('refuses a wrongly sized or non-finite input', () => {
    expect(() => svd(new Float64Array(5), 2, 3)).toThrow(/svd: expected 2x3 = 6 elements, got 5/);
    expect(() => svd(Float64Array.from([1, Number.POSITIVE_INFINITY]), 1, 2)).toThrow(
      /element 1 is Infinity/,
    );
    expect(() => svd(new Float64Array(2), 2, 1.5)).toThrow(/columns must be a positive integer, got 1.5/);
  });
});
