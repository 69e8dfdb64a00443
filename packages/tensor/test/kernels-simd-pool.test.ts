import {
  maxPool2dBackward,
  maxPool2dForward,
  maxPool2x2Backward,
  maxPool2x2Fits,
  maxPool2x2Forward,
  pool2dGeometry,
} from '@ocellus/tensor/kernels';
import { support } from '@ocellus/tensor/runtime';
import { describe, expect, it } from 'vitest';
import { naivePool2d, type PoolCase } from './kernels-reference.js';
import { prng, randomArray } from './seeded.js';

// The 2x2 stride-2 SIMD kernels against the direct loops and the general kernel's argmax routing.
const shapes = [
  [1, 1, 2, 2],
  [2, 3, 4, 6],
  [3, 2, 10, 14],
  [1, 2, 28, 28],
  [2, 1, 6, 18],
] as const;
const cases: PoolCase[] = shapes.map(([n, c, h, w]) => ({
  n,
  c,
  h,
  w,
  kh: 2,
  kw: 2,
  stride: [2, 2],
  padding: [0, 0],
}));
const label = (p: PoolCase) => `n${p.n} c${p.c} ${p.h}x${p.w}`;

/** The general kernel's forward and routing of `gradOut`, in float32. */
function byArgmax(x: Float32Array, gradOut: Float32Array, p: PoolCase) {
  const geo = pool2dGeometry(p);
  const argmax = new Int32Array(gradOut.length);
  const out = new Float32Array(gradOut.length);
  maxPool2dForward(x, geo, out, argmax);
  const dx = new Float32Array(x.length);
  maxPool2dBackward(gradOut, argmax, dx);
  return { out, dx };
}

describe.runIf(support.simd)('maxPool2x2 (WebAssembly SIMD)', () => {
  it.each(cases.map((p) => [label(p), p] as const))(
    'pools and routes like the general kernel for %s',
    (_, p) => {
      const geo = pool2dGeometry(p);
      const random = prng(5);
      const x = Float32Array.from(randomArray(p.n * p.c * p.h * p.w, random));
      const gradOut = Float32Array.from(randomArray(p.n * p.c * geo.oh * geo.ow, random));
      const out = new Float32Array(gradOut.length);
      maxPool2x2Forward(x, geo, out);
      expect(Float64Array.from(out)).toEqual(naivePool2d(Float64Array.from(x), p, 'max'));
      const dx = new Float32Array(x.length).fill(7);
      maxPool2x2Backward(gradOut, x, geo, dx);
      expect(dx).toEqual(byArgmax(x, gradOut, p).dx);
    },
  );

  it('sends a tied window to its first maximum and a window with NaN to its last NaN', () => {
    const p = cases[1]!;
    const geo = pool2dGeometry(p);
    const x = new Float32Array(p.n * p.c * p.h * p.w);
    x[1] = 5;
    x[p.w] = 5;
    x[2] = Number.NaN;
    x[p.w + 3] = Number.NaN;
    x[4 + p.w] = Number.NaN;
    const gradOut = Float32Array.from({ length: p.n * p.c * geo.oh * geo.ow }, (_, i) => i + 1);
    const out = new Float32Array(gradOut.length);
    maxPool2x2Forward(x, geo, out);
    expect(Array.from(out.subarray(0, 3))).toEqual([5, Number.NaN, Number.NaN]);
    const dx = new Float32Array(x.length);
    maxPool2x2Backward(gradOut, x, geo, dx);
    const reference = byArgmax(x, gradOut, p).dx;
    expect(dx).toEqual(reference);
    expect([dx[1], dx[p.w], dx[p.w + 3], dx[4 + p.w]]).toEqual([1, 0, 2, 3]);
  });

  it('takes only 2x2 windows at stride 2 without padding over even float32 planes', () => {
    const geo = (q: Partial<PoolCase>) => pool2dGeometry({ ...cases[1]!, ...q });
    const x32 = new Float32Array(1);
    expect(maxPool2x2Fits(geo({}), x32)).toBe(true);
    expect(maxPool2x2Fits(geo({}), new Float64Array(1))).toBe(false);
    expect(maxPool2x2Fits(geo({ w: 7 }), x32)).toBe(false);
    expect(maxPool2x2Fits(geo({ stride: [1, 1] }), x32)).toBe(false);
    expect(maxPool2x2Fits(geo({ kh: 3, kw: 3, padding: [1, 1] }), x32)).toBe(false);
    expect(() =>
      maxPool2x2Forward(new Float32Array(6 * 7), geo({ n: 1, c: 1, h: 6, w: 7 }), new Float32Array(9)),
    ).toThrow(/maxPool2x2Fits/);
  });
});
