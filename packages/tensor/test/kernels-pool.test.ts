import {
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
  type Pool2dGeometry,
  pool2dGeometry,
} from '@ocellus/tensor/kernels';
import { describe, expect, it } from 'vitest';
import { maxRelativeError, naivePool2d, numericGradient, type PoolCase } from './kernels-reference.js';
import { prng, randomArray } from './seeded.js';

const cases: PoolCase[] = [
  { n: 1, c: 1, h: 4, w: 4, kh: 2, kw: 2, stride: [2, 2], padding: [0, 0] },
  { n: 3, c: 2, h: 7, w: 11, kh: 3, kw: 3, stride: [2, 2], padding: [1, 1] },
  { n: 1, c: 3, h: 13, w: 5, kh: 3, kw: 2, stride: [1, 2], padding: [1, 1] },
  { n: 3, c: 1, h: 11, w: 7, kh: 5, kw: 3, stride: [3, 3], padding: [2, 0] },
  { n: 2, c: 2, h: 5, w: 5, kh: 1, kw: 1, stride: [2, 2], padding: [0, 0] },
  { n: 1, c: 2, h: 3, w: 3, kh: 3, kw: 3, stride: [1, 1], padding: [1, 1] },
];

function label(p: PoolCase): string {
  return `n${p.n} c${p.c} ${p.h}x${p.w} k${p.kh}x${p.kw} s${p.stride} p${p.padding}`;
}

function setup(p: PoolCase, seed: number): { geo: Pool2dGeometry; x: Float64Array; outLength: number } {
  const geo = pool2dGeometry(p);
  return { geo, x: randomArray(p.n * p.c * p.h * p.w, prng(seed)), outLength: p.n * p.c * geo.oh * geo.ow };
}

describe('pool2dGeometry', () => {
  it('defaults the stride to the kernel size, as torch does', () => {
    expect(pool2dGeometry({ n: 1, c: 1, h: 28, w: 28, kh: 2, kw: 2 })).toMatchObject({
      strideH: 2,
      oh: 14,
      ow: 14,
    });
  });

  it('floors partial windows away', () => {
    expect(pool2dGeometry({ n: 1, c: 1, h: 7, w: 5, kh: 2, kw: 2 })).toMatchObject({ oh: 3, ow: 2 });
  });

  it('refuses padding over half the kernel, a kernel larger than the input and non-positive sizes', () => {
    expect(() => pool2dGeometry({ n: 1, c: 1, h: 4, w: 4, kh: 2, kw: 2, padding: [2, 0] })).toThrow(
      /padding 2x0 must be at most half the kernel 2x2/,
    );
    expect(() => pool2dGeometry({ n: 1, c: 1, h: 2, w: 4, kh: 3, kw: 3 })).toThrow(
      /input 2x4 .* smaller than the kernel 3x3/,
    );
    expect(() => pool2dGeometry({ n: 1, c: 1, h: 4, w: 4, kh: 2, kw: 2, stride: [0, 1] })).toThrow(
      /strideH must be a positive integer, got 0/,
    );
  });
});

describe('maxPool2dForward', () => {
  it('takes the maximum of each 2x2 window of a 3x3 image at stride 1', () => {
    const geo = pool2dGeometry({ n: 1, c: 1, h: 3, w: 3, kh: 2, kw: 2, stride: [1, 1] });
    const out = new Float64Array(4);
    const argmax = new Int32Array(4);
    maxPool2dForward(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), geo, out, argmax);
    expect(Array.from(out)).toEqual([5, 6, 8, 9]);
    expect(Array.from(argmax)).toEqual([4, 5, 7, 8]);
  });

  it.each(cases.map((p) => [label(p), p] as const))('matches the direct loop for %s', (_, p) => {
    const { geo, x, outLength } = setup(p, 1);
    const out = new Float64Array(outLength);
    const argmax = new Int32Array(outLength);
    maxPool2dForward(x, geo, out, argmax);
    expect(out).toEqual(naivePool2d(x, p, 'max'));
    for (let i = 0; i < outLength; i++) expect(x[argmax[i]!]).toBe(out[i]);
  });

  it('treats padding as -Infinity, so an all-negative image keeps its negative maxima', () => {
    const geo = pool2dGeometry({ n: 1, c: 1, h: 2, w: 2, kh: 2, kw: 2, stride: [1, 1], padding: [1, 1] });
    const out = new Float64Array(9);
    maxPool2dForward(Float64Array.from([-4, -3, -2, -1]), geo, out, new Int32Array(9));
    expect(Array.from(out)).toEqual([-4, -3, -3, -2, -1, -1, -2, -1, -1]);
  });

  it('picks the first maximum in row-major order on ties', () => {
    const geo = pool2dGeometry({ n: 1, c: 2, h: 2, w: 2, kh: 2, kw: 2, stride: [1, 1], padding: [1, 1] });
    const x = Float64Array.from([7, 7, 7, 7, 0, 5, 5, 1]);
    const out = new Float64Array(18);
    const argmax = new Int32Array(18);
    maxPool2dForward(x, geo, out, argmax);
    expect(Array.from(argmax.subarray(0, 9))).toEqual([0, 0, 1, 0, 0, 1, 2, 2, 3]);
    expect(Array.from(argmax.subarray(9))).toEqual([4, 5, 5, 6, 5, 5, 6, 6, 7]);
  });

  it('propagates NaN like torch', () => {
    const geo = pool2dGeometry({ n: 1, c: 1, h: 2, w: 2, kh: 2, kw: 2 });
    const out = new Float64Array(1);
    const argmax = new Int32Array(1);
    maxPool2dForward(Float64Array.from([1, Number.NaN, 3, 2]), geo, out, argmax);
    expect(out[0]).toBeNaN();
    expect(argmax[0]).toBe(1);
  });

  it('works on float32 with the same winners', () => {
    const p = cases[1]!;
    const { geo, x, outLength } = setup(p, 2);
    const x32 = Float32Array.from(x);
    const out = new Float32Array(outLength);
    maxPool2dForward(x32, geo, out, new Int32Array(outLength));
    expect(Float64Array.from(out)).toEqual(naivePool2d(Float64Array.from(x32), p, 'max'));
  });
});

describe('maxPool2dBackward', () => {
  it.each(cases.map((p) => [label(p), p] as const))('matches central differences for %s', (_, p) => {
    const { geo, x, outLength } = setup(p, 3);
    const gradOut = randomArray(outLength, prng(30));
    const argmax = new Int32Array(outLength);
    maxPool2dForward(x, geo, new Float64Array(outLength), argmax);
    const dx = new Float64Array(x.length);
    maxPool2dBackward(gradOut, argmax, dx);
    // Random inputs sit far from ties compared with the step, so no difference crosses a kink.
    const numeric = numericGradient(() => naivePool2d(x, p, 'max'), x, gradOut, 1e-6);
    expect(maxRelativeError(dx, numeric)).toBeLessThan(1e-5);
  });

  it('adds the gradients of overlapping windows that share a winner', () => {
    const geo = pool2dGeometry({ n: 1, c: 1, h: 3, w: 3, kh: 2, kw: 2, stride: [1, 1] });
    const argmax = new Int32Array(4);
    maxPool2dForward(Float64Array.from([0, 0, 0, 0, 9, 0, 0, 0, 0]), geo, new Float64Array(4), argmax);
    const dx = new Float64Array(9).fill(1);
    maxPool2dBackward(Float64Array.from([1, 2, 3, 4]), argmax, dx);
    expect(Array.from(dx)).toEqual([1, 1, 1, 1, 11, 1, 1, 1, 1]);
  });
});

describe('avgPool2dForward', () => {
  it('averages each 2x2 window of a 3x3 image at stride 1', () => {
    const geo = pool2dGeometry({ n: 1, c: 1, h: 3, w: 3, kh: 2, kw: 2, stride: [1, 1] });
    const out = new Float64Array(4);
    avgPool2dForward(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), geo, out);
    expect(Array.from(out)).toEqual([3, 4, 6, 7]);
  });

  it('counts padded taps as zeros in the average (count_include_pad)', () => {
    const geo = pool2dGeometry({ n: 1, c: 1, h: 2, w: 2, kh: 2, kw: 2, stride: [1, 1], padding: [1, 1] });
    const out = new Float64Array(9);
    avgPool2dForward(new Float64Array(4).fill(1), geo, out);
    expect(Array.from(out)).toEqual([0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]);
  });

  it.each(cases.map((p) => [label(p), p] as const))('matches the direct loop for %s', (_, p) => {
    const { geo, x, outLength } = setup(p, 4);
    const out = new Float64Array(outLength);
    avgPool2dForward(x, geo, out);
    expect(maxRelativeError(out, naivePool2d(x, p, 'avg'))).toBeLessThan(1e-12);
  });
});

describe('avgPool2dBackward', () => {
  it.each(cases.map((p) => [label(p), p] as const))('matches central differences for %s', (_, p) => {
    const { geo, x, outLength } = setup(p, 5);
    const gradOut = randomArray(outLength, prng(50));
    const dx = new Float64Array(x.length);
    avgPool2dBackward(gradOut, geo, dx);
    // Linear in x: central differences are exact up to rounding for any step.
    const numeric = numericGradient(() => naivePool2d(x, p, 'avg'), x, gradOut, 1e-3);
    expect(maxRelativeError(dx, numeric)).toBeLessThan(1e-7);
  });

  it('spreads a padded corner window over its single real pixel at a quarter weight', () => {
    const geo = pool2dGeometry({ n: 1, c: 1, h: 2, w: 2, kh: 2, kw: 2, stride: [2, 2], padding: [1, 1] });
    const dx = new Float64Array(4);
    avgPool2dBackward(Float64Array.from([4, 8, 12, 16]), geo, dx);
    expect(Array.from(dx)).toEqual([1, 2, 3, 4]);
  });
});
