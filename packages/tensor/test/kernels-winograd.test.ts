import { conv2dBackward, conv2dForward, conv2dGeometry } from '@ocellus/tensor/kernels';
import { support } from '@ocellus/tensor/runtime';
import { describe, expect, it } from 'vitest';
import { convData, labelled } from './kernels-conv-cases.js';
import { type ConvCase, maxScaledError, naiveConv2d, naiveConv2dBackward } from './kernels-reference.js';
import { prng, randomArray } from './seeded.js';

// Winograd F(2x2, 3x3) against the direct loops on odd shapes: odd output sizes (cropped edge tiles),
// padding 0, 1 and 2, channel counts off the 4- and 8-lane chunks, one tile and many, several images.
const k3 = { kh: 3, kw: 3, stride: [1, 1] as [number, number], dilation: [1, 1] as [number, number] };
const cases: ConvCase[] = [
  { n: 1, c: 1, h: 4, w: 4, f: 1, ...k3, padding: [0, 0] },
  { n: 2, c: 3, h: 7, w: 9, f: 5, ...k3, padding: [1, 1] },
  { n: 1, c: 5, h: 6, w: 5, f: 9, ...k3, padding: [0, 2] },
  { n: 3, c: 7, h: 11, w: 8, f: 13, ...k3, padding: [2, 1] },
  { n: 1, c: 33, h: 9, w: 10, f: 34, ...k3, padding: [1, 1] },
  { n: 2, c: 32, h: 16, w: 16, f: 32, ...k3, padding: [1, 1] },
];
const f32 = (a: Float64Array) => Float32Array.from(a);
const modes = [
  ['1 thread', { threads: 1 }],
  ['2 threads', { threads: 2, parallelMin: 0 }],
] as const;

describe.runIf(support.simd).each(modes)('conv2d forward by Winograd F(2x2, 3x3), %s', (_mode, mode) => {
  it.each(labelled(cases))('matches the direct loops for %s', (_, p) => {
    const random = prng(7);
    const geo = conv2dGeometry({ ...p, outChannels: p.f });
    const { x, w, bias } = convData(p, random, geo);
    const expected = naiveConv2d(x, w, bias, p);
    const out = new Float32Array(expected.length).fill(Number.NaN);
    conv2dForward(f32(x), f32(w), f32(bias), geo, out, undefined, {
      ...mode,
      path: 'direct',
      winograd: true,
    });
    expect(maxScaledError(out, expected)).toBeLessThan(1e-5);
    const relu = new Float32Array(expected.length);
    conv2dForward(f32(x), f32(w), f32(bias), geo, relu, undefined, { ...mode, winograd: true, relu: true });
    expect(Array.from(relu)).toEqual(Array.from(out, (v) => (v > 0 ? v : 0)));
    const noBias = new Float32Array(expected.length);
    conv2dForward(f32(x), f32(w), null, geo, noBias, undefined, { ...mode, winograd: true });
    expect(maxScaledError(noBias, naiveConv2d(x, w, null, p))).toBeLessThan(1e-5);
  });
});

describe.runIf(support.simd).each(modes)(
  'conv2d input gradient by Winograd F(2x2, 3x3), %s',
  (_mode, mode) => {
    it.each(labelled(cases))('adds the gradient of the direct loops for %s', (_, p) => {
      const random = prng(8);
      const geo = conv2dGeometry({ ...p, outChannels: p.f });
      const { x, w, outLength } = convData(p, random, geo);
      const g = randomArray(outLength, random);
      const expected = naiveConv2dBackward(g, x, w, p);
      const dx = new Float32Array(x.length).fill(1);
      const db = new Float32Array(p.f);
      conv2dBackward(f32(g), f32(x), f32(w), geo, { dx, db }, undefined, { ...mode, inputGrad: 'winograd' });
      expect(
        maxScaledError(
          dx,
          expected.dx.map((v) => v + 1),
        ),
      ).toBeLessThan(1e-5);
      expect(maxScaledError(db, expected.db)).toBeLessThan(1e-5);
    });

    it.each(labelled(cases))('masks the gradient by a ReLU output first for %s', (_, p) => {
      const random = prng(9);
      const geo = conv2dGeometry({ ...p, outChannels: p.f });
      const { x, w, bias, outLength } = convData(p, random, geo);
      const g = randomArray(outLength, random);
      const y = new Float32Array(outLength);
      conv2dForward(f32(x), f32(w), f32(bias), geo, y, undefined, { relu: true });
      const expected = naiveConv2dBackward(
        g.map((v, i) => (y[i]! > 0 ? v : 0)),
        x,
        w,
        p,
      );
      const dx = new Float32Array(x.length);
      const options = { ...mode, inputGrad: 'winograd', reluOutput: y } as const;
      conv2dBackward(f32(g), f32(x), f32(w), geo, { dx }, undefined, options);
      expect(maxScaledError(dx, expected.dx)).toBeLessThan(1e-5);
    });
  },
);

describe.runIf(support.simd).each(modes)(
  'conv2d weight gradient by Winograd F(2x2, 3x3), %s',
  (_mode, mode) => {
    it.each(labelled(cases))('adds the gradient of the direct loops for %s', (_, p) => {
      const random = prng(10);
      const geo = conv2dGeometry({ ...p, outChannels: p.f });
      const { x, w, outLength } = convData(p, random, geo);
      const g = randomArray(outLength, random);
      const expected = naiveConv2dBackward(g, x, w, p);
      const dw = new Float32Array(w.length).fill(1);
      const db = new Float32Array(p.f);
      conv2dBackward(f32(g), f32(x), f32(w), geo, { dw, db }, undefined, { ...mode, weightGrad: 'winograd' });
      expect(
        maxScaledError(
          dw,
          expected.dw.map((v) => v + 1),
        ),
      ).toBeLessThan(1e-5);
      expect(maxScaledError(db, expected.db)).toBeLessThan(1e-5);
    });

    it.each(labelled(cases))('masks the gradient by a ReLU output first for %s', (_, p) => {
      const random = prng(11);
      const geo = conv2dGeometry({ ...p, outChannels: p.f });
      const { x, w, bias, outLength } = convData(p, random, geo);
      const g = randomArray(outLength, random);
      const y = new Float32Array(outLength);
      conv2dForward(f32(x), f32(w), f32(bias), geo, y, undefined, { relu: true });
      const expected = naiveConv2dBackward(
        g.map((v, i) => (y[i]! > 0 ? v : 0)),
        x,
        w,
        p,
      );
      const grads = { dx: new Float32Array(x.length), dw: new Float32Array(w.length) };
      const options = { ...mode, inputGrad: 'winograd', weightGrad: 'winograd', reluOutput: y } as const;
      conv2dBackward(f32(g), f32(x), f32(w), geo, grads, undefined, options);
      expect(maxScaledError(grads.dw, expected.dw)).toBeLessThan(1e-5);
      expect(maxScaledError(grads.dx, expected.dx)).toBeLessThan(1e-5);
    });
  },
);

describe('conv2d Winograd gradients', () => {
  it('refuse a kernel they do not compute', () => {
    const p: ConvCase = {
      n: 1,
      c: 2,
      h: 7,
      w: 7,
      f: 3,
      kh: 3,
      kw: 3,
      stride: [2, 2],
      padding: [1, 1],
      dilation: [1, 1],
    };
    const geo = conv2dGeometry({ ...p, outChannels: p.f });
    const grads = { dx: new Float32Array(p.n * p.c * p.h * p.w) };
    const g = new Float32Array(geo.positions * p.f);
    const call = () =>
      conv2dBackward(g, grads.dx, new Float32Array(54), geo, grads, undefined, { inputGrad: 'winograd' });
    expect(call).toThrow(/3x3 stride-1/);
    const weights = { dw: new Float32Array(54) };
    const options = { weightGrad: 'winograd' } as const;
    expect(() => conv2dBackward(g, grads.dx, weights.dw, geo, weights, undefined, options)).toThrow(
      /3x3 stride-1/,
    );
  });
});
