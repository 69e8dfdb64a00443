import {
  type Conv2dGeometry,
  conv2dBackward,
  conv2dForward,
  conv2dGeometry,
  convScratch,
} from '@ocellus/tensor/kernels';
import { describe, expect, it } from 'vitest';
import { type ConvData, convCases, convData, labelled } from './kernels-conv-cases.js';
import {
  type ConvCase,
  maxRelativeError,
  maxScaledError,
  naiveConv2d,
  numericGradient,
} from './kernels-reference.js';
import { prng, randomArray } from './seeded.js';

const cases: ConvCase[] = [
  ...convCases,
  { n: 3, c: 1, h: 28, w: 28, f: 6, kh: 5, kw: 5, stride: [1, 1], padding: [2, 2], dilation: [1, 1] },
];
// Small enough for a naive forward per perturbed element; together they cover stride, padding and dilation.
const gradientCases = [cases[1]!, cases[2]!, cases[3]!, cases[4]!, cases[5]!];

function problem(p: ConvCase, seed: number): ConvData & { geo: Conv2dGeometry } {
  const geo = conv2dGeometry({ ...p, outChannels: p.f });
  return { geo, ...convData(p, prng(seed), geo) };
}

describe('conv2dForward', () => {
  it('convolves a 3x3 image with a 2x2 kernel of ones into window sums', () => {
    const geo = conv2dGeometry({ n: 1, c: 1, h: 3, w: 3, outChannels: 1, kh: 2, kw: 2 });
    const out = new Float64Array(4);
    conv2dForward(
      Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]),
      new Float64Array(4).fill(1),
      null,
      geo,
      out,
    );
    expect(Array.from(out)).toEqual([12, 16, 24, 28]);
  });

  it('adds the bias of each output channel', () => {
    const geo = conv2dGeometry({ n: 1, c: 1, h: 2, w: 2, outChannels: 2, kh: 1, kw: 1 });
    const out = new Float64Array(8);
    conv2dForward(
      Float64Array.from([1, 2, 3, 4]),
      Float64Array.from([1, -1]),
      Float64Array.from([10, 100]),
      geo,
      out,
    );
    expect(Array.from(out)).toEqual([11, 12, 13, 14, 99, 98, 97, 96]);
  });

  it.each(labelled(cases))('matches the direct loop in float64 for %s', (_, p) => {
    const { geo, x, w, bias, outLength } = problem(p, 1);
    const out = new Float64Array(outLength);
    conv2dForward(x, w, bias, geo, out);
    expect(maxScaledError(out, naiveConv2d(x, w, bias, p))).toBeLessThan(1e-14);
  });

  it.each(labelled(cases))('matches the direct loop in float32 for %s', (_, p) => {
    const { geo, x, w, bias, outLength } = problem(p, 2);
    const out = new Float32Array(outLength);
    conv2dForward(Float32Array.from(x), Float32Array.from(w), Float32Array.from(bias), geo, out);
    expect(maxScaledError(out, naiveConv2d(x, w, bias, p))).toBeLessThan(1e-5);
  });

  it('gives the same result with reused, oversized scratch buffers', () => {
    const p = cases[4]!;
    const { geo, x, w, bias, outLength } = problem(p, 3);
    const scratch = convScratch(conv2dGeometry({ ...p, n: p.n + 2, outChannels: p.f + 1 }), 'float64');
    scratch.cols.fill(Number.NaN);
    scratch.product.fill(Number.NaN);
    const expected = new Float64Array(outLength);
    conv2dForward(x, w, bias, geo, expected);
    for (let step = 0; step < 2; step++) {
      const out = new Float64Array(outLength);
      conv2dForward(x, w, bias, geo, out, scratch);
      expect(out).toEqual(expected);
    }
  });

  it('refuses scratch that is too small or of another dtype', () => {
    const { geo, x, w, outLength } = problem(cases[1]!, 4);
    const out = new Float64Array(outLength);
    const small = { cols: new Float64Array(10), product: new Float64Array(geo.positions * geo.outChannels) };
    expect(() => conv2dForward(x, w, null, geo, out, small)).toThrow(
      /scratch cols has 10 elements, needs at least 720/,
    );
    expect(() => conv2dForward(x, w, null, geo, out, convScratch(geo, 'float32'))).toThrow(/must be float64/);
  });

  it('refuses mixed dtypes and wrongly sized weights', () => {
    const { geo, x, w, outLength } = problem(cases[1]!, 5);
    const out = new Float64Array(outLength);
    expect(() => conv2dForward(x, Float32Array.from(w), null, geo, out)).toThrow(
      /w is float32 but x is float64/,
    );
    expect(() => conv2dForward(x, w.subarray(1), null, geo, out)).toThrow(/w has 59 elements, expected 60/);
  });
});

describe('conv2dBackward', () => {
  // The loss <g, conv(x, w, b)> is linear in each coordinate, so central differences are exact up to
  // rounding for any step; a step of 1e-3 keeps that rounding far below the 1e-7 threshold.
  const h = 1e-3;

  it.each(labelled(gradientCases))('matches central differences of the direct loop for %s', (_, p) => {
    const { geo, x, w, bias, outLength } = problem(p, 6);
    const gradOut = randomArray(outLength, prng(60));
    const dx = new Float64Array(x.length);
    const dw = new Float64Array(w.length);
    const db = new Float64Array(bias.length);
    conv2dBackward(gradOut, x, w, geo, { dx, dw, db });
    const forward = () => naiveConv2d(x, w, bias, p);
    expect(maxRelativeError(dx, numericGradient(forward, x, gradOut, h))).toBeLessThan(1e-7);
    expect(maxRelativeError(dw, numericGradient(forward, w, gradOut, h))).toBeLessThan(1e-7);
    expect(maxRelativeError(db, numericGradient(forward, bias, gradOut, h))).toBeLessThan(1e-7);
  });

  it('back-propagates ones through a 2x2 kernel of ones as window counts and 4 per weight', () => {
    const geo = conv2dGeometry({ n: 1, c: 1, h: 3, w: 3, outChannels: 1, kh: 2, kw: 2 });
    const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const dx = new Float64Array(9);
    const dw = new Float64Array(4);
    const db = new Float64Array(1);
    conv2dBackward(new Float64Array(4).fill(1), x, new Float64Array(4).fill(1), geo, { dx, dw, db });
    expect(Array.from(dx)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
    expect(Array.from(dw)).toEqual([12, 16, 24, 28]);
    expect(Array.from(db)).toEqual([4]);
  });

  it('computes only the gradients asked for, adding into them', () => {
    const p = cases[1]!;
    const { geo, x, w, outLength } = problem(p, 7);
    const gradOut = randomArray(outLength, prng(70));
    const full = {
      dx: new Float64Array(x.length),
      dw: new Float64Array(w.length),
      db: new Float64Array(p.f),
    };
    conv2dBackward(gradOut, x, w, geo, full);
    const dw = new Float64Array(w.length).fill(1);
    conv2dBackward(gradOut, x, w, geo, { dw, dx: null });
    expect(
      maxRelativeError(
        dw,
        full.dw.map((v) => v + 1),
      ),
    ).toBeLessThan(1e-14);
    const dx = new Float64Array(x.length);
    const scratch = convScratch(geo, 'float64');
    conv2dBackward(gradOut, x, w, geo, { dx }, scratch);
    conv2dBackward(gradOut, x, w, geo, { dx }, scratch);
    expect(
      maxRelativeError(
        dx,
        full.dx.map((v) => 2 * v),
      ),
    ).toBeLessThan(1e-14);
  });

  it('runs in float32 close to the float64 result', () => {
    const p = cases[4]!;
    const { geo, x, w, outLength } = problem(p, 8);
    const gradOut = randomArray(outLength, prng(80));
    const exact = {
      dx: new Float64Array(x.length),
      dw: new Float64Array(w.length),
      db: new Float64Array(p.f),
    };
    conv2dBackward(gradOut, x, w, geo, exact);
    const single = {
      dx: new Float32Array(x.length),
      dw: new Float32Array(w.length),
      db: new Float32Array(p.f),
    };
    conv2dBackward(Float32Array.from(gradOut), Float32Array.from(x), Float32Array.from(w), geo, single);
    expect(maxScaledError(single.dx, exact.dx)).toBeLessThan(1e-5);
    expect(maxScaledError(single.dw, exact.dw)).toBeLessThan(1e-5);
    expect(maxScaledError(single.db, exact.db)).toBeLessThan(1e-5);
  });
});
