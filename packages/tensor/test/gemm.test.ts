import { type GemmOptions, gemmInfo, gemmWith, type MatrixRef } from '@ocellus/tensor/gemm';
import { describe, expect, it } from 'vitest';
import { type Dtype, errorRatio, matrix, reference } from './gemm-reference.js';
import { prng } from './seeded.js';

const modes: { name: string; options: GemmOptions }[] = [
  { name: 'TypeScript kernel, inline', options: { kernel: 'js', threads: 1 } },
  { name: 'TypeScript kernel, pooled', options: { kernel: 'js', threads: 3, inlineBelow: 0 } },
  { name: 'relaxed SIMD kernel, inline', options: { kernel: 'simd', threads: 1 } },
  { name: 'relaxed SIMD kernel, pooled', options: { kernel: 'simd', threads: 3, inlineBelow: 0 } },
  { name: 'plain SIMD kernel, inline', options: { kernel: 'simd', relaxed: false, threads: 1 } },
  {
    name: 'plain SIMD kernel, pooled',
    options: { kernel: 'simd', relaxed: false, threads: 3, inlineBelow: 0 },
  },
];

/** m x n x k: scalars, primes, tall-skinny, wide, K = 1, several k blocks, several column tiles. */
const shapes: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [31, 37, 41],
  [97, 101, 103],
  [1000, 3, 7],
  [3, 1000, 7],
  [50, 60, 1],
  [600, 2, 300],
  [130, 530, 260],
  [1568, 16, 150],
  [1, 37, 203],
  [1, 120, 400],
];

const transposes: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  dtype?: Dtype;
  contiguous?: boolean;
  /** Extra row stride past the row (views into a much wider matrix). */
  pad?: number;
  shared?: boolean;
  seed?: number;
}

/** Builds the operands (views with an offset and a row stride past the row unless contiguous). */
function operands(c: Case) {
  const next = prng(c.seed ?? c.m * 7919 + c.n * 104729 + c.k * 31 + (c.transA ? 1 : 0) + (c.transB ? 2 : 0));
  const dtype = c.dtype ?? 'float32';
  const view = (salt: number) => (c.contiguous ? {} : { offset: 3 + salt, pad: (c.pad ?? 1) + salt });
  const shared = c.shared === false ? { shared: false } : {};
  const a = matrix(next, dtype, c.transA ? c.k : c.m, c.transA ? c.m : c.k, { ...view(0), ...shared });
  const b = matrix(next, dtype, c.transB ? c.n : c.k, c.transB ? c.k : c.n, { ...view(2), ...shared });
  const out = matrix(next, dtype, c.m, c.n, { ...view(1), ...shared });
  return { a, b, c: out };
}

function check(options: GemmOptions, c: Case): number {
  const ops = operands(c);
  const expected = reference(c.transA, c.transB, c.m, c.n, c.k, c.alpha, ops.a, ops.b, c.beta, ops.c);
  gemmWith(options)(c.transA, c.transB, c.m, c.n, c.k, c.alpha, ops.a, ops.b, c.beta, ops.c);
  return errorRatio(expected, ops.c, c.m, c.n, c.k, c.dtype ?? 'float32');
}

function outside(ref: MatrixRef, rows: number, cols: number): number[] {
  const values: number[] = [];
  for (let i = 0; i < ref.data.length; i++) {
    const row = Math.floor((i - ref.offset) / ref.ld);
    const col = i - ref.offset - row * ref.ld;
    if (i < ref.offset || row >= rows || col >= cols) values.push(ref.data[i]!);
  }
  return values;
}

describe.each(modes)('gemm with the $name', ({ options }) => {
  it.each(shapes)('matches the float64 reference at %i x %i x %i for every transpose', (m, n, k) => {
    for (const [transA, transB] of transposes) {
      expect(
        check(options, { transA, transB, m, n, k, alpha: 1.5, beta: -0.5 }),
        `${transA} ${transB}`,
      ).toBeLessThan(1);
    }
  });

  it.each([
    [1, 0],
    [1, 1],
    [-2, 0.25],
    [0.5, -1],
  ])('applies alpha = %d and beta = %d', (alpha, beta) => {
    expect(check(options, { transA: false, transB: true, m: 37, n: 29, k: 43, alpha, beta })).toBeLessThan(1);
  });

  it('stages wide contiguous C tiles when beta is not 0', () => {
    // Each tile's C span (about mc x ldc) is larger than the other staging needs at this shape.
    for (const [m, n, k] of [
      [300, 512, 64],
      [2004, 512, 78],
    ] as const) {
      const c: Case = { transA: false, transB: true, m, n, k, alpha: 1, beta: 1, contiguous: true };
      expect(check(options, c), `${m} x ${n} x ${k}`).toBeLessThan(1);
    }
  });

  it('works on views into much wider matrices', () => {
    for (const [transA, transB] of transposes) {
      const c: Case = { transA, transB, m: 70, n: 20, k: 300, alpha: 1, beta: 0.5, pad: 700 };
      expect(check(options, c), `${transA} ${transB}`).toBeLessThan(1);
    }
  });

  it('works on contiguous operands', () => {
    expect(
      check(options, {
        transA: false,
        transB: false,
        m: 64,
        n: 72,
        k: 80,
        alpha: 1,
        beta: 0,
        contiguous: true,
      }),
    ).toBeLessThan(1);
  });

  it('accepts operands outside shared memory', () => {
    expect(
      check(options, { transA: true, transB: false, m: 90, n: 70, k: 110, alpha: 1, beta: 1, shared: false }),
    ).toBeLessThan(1);
  });

  it('computes float64 operands to float64 accuracy', () => {
    for (const [transA, transB] of transposes) {
      const c: Case = { transA, transB, m: 45, n: 53, k: 300, alpha: 0.75, beta: 2, dtype: 'float64' };
      expect(check(options, c)).toBeLessThan(1);
    }
  });

  it('ignores NaN and Infinity in C when beta is 0', () => {
    const ops = operands({ transA: false, transB: false, m: 20, n: 30, k: 10, alpha: 1, beta: 0 });
    for (let i = 0; i < ops.c.data.length; i++) ops.c.data[i] = i % 2 ? Number.NaN : Number.POSITIVE_INFINITY;
    const expected = reference(false, false, 20, 30, 10, 1, ops.a, ops.b, 0, ops.c);
    gemmWith(options)(false, false, 20, 30, 10, 1, ops.a, ops.b, 0, ops.c);
    expect(errorRatio(expected, ops.c, 20, 30, 10, 'float32')).toBeLessThan(1);
  });

  it('computes one row times B^T from rows far apart, ignoring NaN in C when beta is 0', () => {
    for (const transA of [false, true]) {
      const ops = operands({ transA, transB: true, m: 1, n: 29, k: 43, alpha: 2, beta: 0, pad: 700 });
      ops.c.data.fill(Number.NaN);
      const expected = reference(transA, true, 1, 29, 43, 2, ops.a, ops.b, 0, ops.c);
      gemmWith(options)(transA, true, 1, 29, 43, 2, ops.a, ops.b, 0, ops.c);
      expect(errorRatio(expected, ops.c, 1, 29, 43, 'float32'), `${transA}`).toBeLessThan(1);
    }
  });

  it('leaves the elements of C outside the view untouched', () => {
    const ops = operands({ transA: false, transB: false, m: 33, n: 41, k: 17, alpha: 1, beta: 0.5 });
    const before = outside(ops.c, 33, 41);
    gemmWith(options)(false, false, 33, 41, 17, 1, ops.a, ops.b, 0.5, ops.c);
    expect(outside(ops.c, 33, 41)).toEqual(before);
  });

  it('scales C by beta without reading A or B when alpha is 0 or k is 0', () => {
    for (const [alpha, k] of [
      [0, 5],
      [2, 0],
    ] as const) {
      const ops = operands({ transA: false, transB: false, m: 6, n: 7, k: 5, alpha, beta: 3 });
      ops.a.data.fill(Number.NaN);
      ops.b.data.fill(Number.NaN);
      const at = (x: number) => ops.c.offset + Math.floor(x / 7) * ops.c.ld + (x % 7);
      const want = Array.from(Float32Array.from({ length: 42 }, (_, x) => 3 * ops.c.data[at(x)]!));
      gemmWith(options)(false, false, 6, 7, k, alpha, ops.a, ops.b, 3, ops.c);
      const got = Array.from({ length: 42 }, (_, x) => ops.c.data[at(x)]!);
      expect(got).toEqual(want);
    }
  });

  it('rejects a view that runs past its buffer', () => {
    const ops = operands({
      transA: false,
      transB: false,
      m: 4,
      n: 4,
      k: 4,
      alpha: 1,
      beta: 0,
      contiguous: true,
    });
    const short = { ...ops.b, offset: ops.b.data.length - 10 };
    expect(() => gemmWith(options)(false, false, 4, 4, 4, 1, ops.a, short, 0, ops.c)).toThrow(RangeError);
  });
});

describe('gemmInfo', () => {
  it('reports WebAssembly SIMD and relaxed SIMD detected at start-up in Node 20', () => {
    const info = gemmInfo();
    expect(info.simd).toBe(true);
    expect(info.relaxed).toBe(true);
    expect(info.kernel).toBe('simd-relaxed');
    expect(info.threads).toBeGreaterThanOrEqual(1);
  });
});
