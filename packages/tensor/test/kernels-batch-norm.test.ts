import { batchNormBackward, batchNormForward } from '@ocellus/tensor/kernels';
import { describe, expect, it } from 'vitest';
import { maxScaledError } from './kernels-reference.js';
import { prng, randomArray } from './seeded.js';

// float32 (WebAssembly SIMD where planes hold a multiple of 4 values) against the float64 loops.
const layouts = [
  { n: 2, c: 3, plane: 4 },
  { n: 5, c: 2, plane: 36 },
  { n: 64, c: 16, plane: 196 },
  { n: 3, c: 4, plane: 7 },
];
const label = (l: { n: number; c: number; plane: number }) => `n${l.n} c${l.c} plane ${l.plane}`;

function setup(l: { n: number; c: number; plane: number }, seed: number) {
  const random = prng(seed);
  const size = l.n * l.c * l.plane;
  return {
    x: randomArray(size, random).map((v) => 3 * v + 1),
    g: randomArray(size, random),
    gamma: randomArray(l.c, random).map((v) => v + 1.5),
    beta: randomArray(l.c, random),
  };
}

describe.each([false, true])('batch norm kernels, ReLU %s', (relu) => {
  it.each(layouts.map((l) => [label(l), l] as const))('float32 matches float64 for %s', (_, l) => {
    const { x, g, gamma, beta } = setup(l, 3);
    const running = {
      mean: Array.from({ length: l.c }, (_, i) => i / 3),
      variance: Array.from({ length: l.c }, (_, i) => 1 + i),
    };
    for (const stats of [null, running]) {
      const y64 = new Float64Array(x.length);
      const s64 = batchNormForward(x, l, gamma, beta, 1e-5, stats, relu, y64);
      const y32 = new Float32Array(x.length);
      const s32 = batchNormForward(Float32Array.from(x), l, gamma, beta, 1e-5, stats, relu, y32);
      expect(maxScaledError(y32, y64)).toBeLessThan(1e-5);
      expect(maxScaledError(s32.invstd, s64.invstd)).toBeLessThan(1e-5);
      const dx64 = new Float64Array(x.length);
      const r64 = batchNormBackward(g, x, relu ? y64 : null, l, gamma, s64, stats === null, dx64);
      const dx32 = new Float32Array(x.length).fill(9);
      const r32 = batchNormBackward(
        Float32Array.from(g),
        Float32Array.from(x),
        relu ? y32 : null,
        l,
        gamma,
        s32,
        stats === null,
        dx32,
      );
      expect(maxScaledError(dx32, dx64)).toBeLessThan(1e-4);
      expect(maxScaledError(r32.dgamma, r64.dgamma)).toBeLessThan(1e-5);
      expect(maxScaledError(r32.dbeta, r64.dbeta)).toBeLessThan(1e-5);
    }
  });
});

describe('batchNormForward', () => {
  it('normalises each channel to mean 0 and variance 1 before the affine map', () => {
    const l = { n: 4, c: 2, plane: 4 };
    const { x } = setup(l, 4);
    const out = new Float32Array(x.length);
    batchNormForward(Float32Array.from(x), l, [1, 1], [0, 0], 0, null, false, out);
    for (let ch = 0; ch < l.c; ch++) {
      const values = Array.from({ length: l.n * l.plane }, (_, k) => {
        const b = Math.floor(k / l.plane);
        return out[(b * l.c + ch) * l.plane + (k % l.plane)]!;
      });
      const mean = values.reduce((a, v) => a + v, 0) / values.length;
      const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(variance).toBeCloseTo(1, 5);
    }
  });
});
