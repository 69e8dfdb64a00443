import {
  type Conv2dBackwardOptions,
  type Conv2dForwardOptions,
  conv2dBackward,
  conv2dForward,
  conv2dGeometry,
  inputGradPlan,
  spatialChosen,
} from '@ocellus/tensor/kernels';
import { poolStats, support } from '@ocellus/tensor/runtime';
import { describe, expect, it } from 'vitest';
import { convData, labelled } from './kernels-conv-cases.js';
import { type ConvCase, maxScaledError, naiveConv2d, naiveConv2dBackward } from './kernels-reference.js';
import { prng, randomArray } from './seeded.js';

// Both float32 paths (direct indirect-GEMM in WebAssembly SIMD, im2col + GEMM) against the direct loops,
// on odd shapes: primes, channel counts around the 4- and 8-lane chunks, row counts off the register block.
const cases: ConvCase[] = [
  { n: 1, c: 1, h: 5, w: 5, f: 1, kh: 3, kw: 3, stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
  { n: 3, c: 2, h: 7, w: 11, f: 5, kh: 3, kw: 2, stride: [2, 3], padding: [1, 2], dilation: [1, 1] },
  { n: 1, c: 3, h: 13, w: 7, f: 9, kh: 3, kw: 3, stride: [1, 1], padding: [2, 2], dilation: [2, 2] },
  { n: 3, c: 5, h: 5, w: 3, f: 17, kh: 1, kw: 1, stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
  { n: 2, c: 3, h: 11, w: 13, f: 4, kh: 5, kw: 3, stride: [3, 2], padding: [2, 1], dilation: [2, 3] },
  { n: 2, c: 7, h: 9, w: 9, f: 12, kh: 3, kw: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
  { n: 1, c: 1, h: 2, w: 3, f: 2, kh: 3, kw: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
  { n: 3, c: 1, h: 28, w: 28, f: 6, kh: 5, kw: 5, stride: [1, 1], padding: [2, 2], dilation: [1, 1] },
  { n: 2, c: 6, h: 14, w: 14, f: 16, kh: 5, kw: 5, stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
];
/**
 * Every path, the direct one also with a worker sharing even the smallest product, with its spatial
 * forward kernel (stride-1 cases), and with its col2im input gradient on every case (by default it takes
 * the correlation where that is cheaper).
 */
type Mode = Conv2dBackwardOptions & Conv2dForwardOptions;
const modes: [string, Mode][] = [
  ['im2col', { path: 'im2col' }],
  ...(support.simd
    ? ([
        ['direct', { path: 'direct', threads: 1, spatial: false }],
        ['direct, spatial kernel where stride 1', { path: 'direct', threads: 1, spatial: true }],
        ['direct, spatial, 2 threads', { path: 'direct', threads: 2, parallelMin: 0, spatial: true }],
        ['direct, col2im input gradient', { path: 'direct', threads: 1, inputGrad: 'col2im' }],
        ['direct, 2 threads', { path: 'direct', threads: 2, parallelMin: 0 }],
        ['direct, col2im, 2 threads', { path: 'direct', threads: 2, parallelMin: 0, inputGrad: 'col2im' }],
      ] as [string, Mode][])
    : []),
];

function setup(p: ConvCase, seed: number) {
  const random = prng(seed);
  const geo = conv2dGeometry({ ...p, outChannels: p.f });
  const { x, w, bias, outLength } = convData(p, random, geo);
  const g = randomArray(outLength, random);
  return { geo, x, w, bias, g, f32: (a: Float64Array) => Float32Array.from(a) };
}

describe.each(modes)('conv2d float32, %s', (_mode, mode) => {
  it.each(labelled(cases))('forward matches the direct loops for %s', (_, p) => {
    const { geo, x, w, bias, f32 } = setup(p, 1);
    const expected = naiveConv2d(x, w, bias, p);
    const out = new Float32Array(expected.length);
    conv2dForward(f32(x), f32(w), f32(bias), geo, out, undefined, mode);
    expect(maxScaledError(out, expected)).toBeLessThan(1e-5);
    const relu = new Float32Array(expected.length);
    conv2dForward(f32(x), f32(w), f32(bias), geo, relu, undefined, { ...mode, relu: true });
    expect(Array.from(relu)).toEqual(Array.from(out, (v) => (v > 0 ? v : 0)));
  });

  it.each(labelled(cases))('backward adds the gradients of %s', (_, p) => {
    const { geo, x, w, g, f32 } = setup(p, 2);
    const expected = naiveConv2dBackward(g, x, w, p);
    const grads = {
      dx: new Float32Array(x.length).fill(1),
      dw: new Float32Array(w.length).fill(1),
      db: new Float32Array(p.f).fill(1),
    };
    conv2dBackward(f32(g), f32(x), f32(w), geo, grads, undefined, mode);
    for (const key of ['dx', 'dw', 'db'] as const) {
      const plusOne = expected[key].map((v) => v + 1);
      expect(maxScaledError(grads[key], plusOne)).toBeLessThan(1e-5);
    }
  });

  it.each(labelled(cases))('masks the gradient by a ReLU output for %s', (_, p) => {
    const { geo, x, w, bias, g, f32 } = setup(p, 5);
    const y = new Float32Array(g.length);
    conv2dForward(f32(x), f32(w), f32(bias), geo, y, undefined, { ...mode, relu: true });
    const expected = naiveConv2dBackward(
      g.map((v, i) => (y[i]! > 0 ? v : 0)),
      x,
      w,
      p,
    );
    const grads = {
      dx: new Float32Array(x.length),
      dw: new Float32Array(w.length),
      db: new Float32Array(p.f),
    };
    conv2dBackward(f32(g), f32(x), f32(w), geo, grads, undefined, { ...mode, reluOutput: y });
    for (const key of ['dx', 'dw', 'db'] as const) {
      expect(maxScaledError(grads[key], expected[key])).toBeLessThan(1e-5);
    }
  });

  it('writes no gradient it was not asked for', () => {
    const p = cases[2]!;
    const { geo, x, w, g, f32 } = setup(p, 3);
    const dw = new Float32Array(w.length);
    conv2dBackward(f32(g), f32(x), f32(w), geo, { dw }, undefined, mode);
    expect(maxScaledError(dw, naiveConv2dBackward(g, x, w, p).dw)).toBeLessThan(1e-5);
  });
});

describe('conv2d direct path', () => {
  it.runIf(support.simd)('shares the products of a large convolution with a worker', () => {
    const p = cases[7]!;
    const before = poolStats().workerUnits;
    const { geo, x, w, bias, f32 } = setup(p, 6);
    const expected = naiveConv2d(x, w, bias, p);
    const out = new Float32Array(expected.length);
    // A worker that wakes after the caller has claimed every unit misses that call: on a busy machine
    // that can happen many times in a row, so keep calling (for at most 10 s) until one joins.
    const deadline = Date.now() + 10_000;
    while (poolStats().workerUnits === before && Date.now() < deadline) {
      conv2dForward(f32(x), f32(w), f32(bias), geo, out, undefined, {
        path: 'direct',
        threads: 2,
        parallelMin: 0,
      });
    }
    expect(poolStats().workerUnits).toBeGreaterThan(before);
    expect(maxScaledError(out, expected)).toBeLessThan(1e-5);
  });

  it('takes the spatial forward kernel for few output channels, or up to 16 on wide rows, at stride 1', () => {
    const chosen = (p: Partial<ConvCase>, wanted?: boolean) =>
      spatialChosen(conv2dGeometry({ ...cases[7]!, ...p, outChannels: p.f ?? 6 }), wanted);
    expect(chosen({})).toBe(true);
    expect(chosen({ c: 3, h: 128, w: 128, f: 16, kh: 3, kw: 3, padding: [1, 1] })).toBe(true);
    expect(chosen({ c: 6, h: 14, w: 14, f: 16, padding: [0, 0] })).toBe(false);
    expect(chosen({ c: 3, h: 128, w: 128, f: 17, kh: 3, kw: 3, padding: [1, 1] })).toBe(false);
    expect(chosen({ stride: [2, 2] })).toBe(false);
    expect(chosen({ dilation: [2, 2] }, true)).toBe(false);
    expect(chosen({ f: 16, padding: [0, 0] }, true)).toBe(true);
  });

  it('takes the col2im input gradient where the correlation would run over much padding, or is strided', () => {
    const plan = (p: ConvCase) => inputGradPlan(conv2dGeometry({ ...p, outChannels: p.f }));
    expect(plan(cases[8]!)).toBe('col2im');
    expect(plan(cases[1]!)).toBe('col2im');
    expect(plan(cases[5]!)).toBe('correlate');
    const backbone = { ...cases[5]!, c: 16, f: 16, h: 32, w: 32 };
    expect(plan(backbone)).toBe('correlate');
  });

  it('refuses the correlate input gradient of a strided convolution', () => {
    const { geo, x, w, g, f32 } = setup(cases[1]!, 4);
    const grads = { dx: new Float32Array(x.length) };
    const options = { path: 'direct', inputGrad: 'correlate' } as const;
    expect(() => conv2dBackward(f32(g), f32(x), f32(w), geo, grads, undefined, options)).toThrow(/stride 1/);
  });

  it('refuses float64 data', () => {
    const { geo, x, w } = setup(cases[0]!, 4);
    const out = new Float64Array(geo.positions * geo.outChannels);
    expect(() => conv2dForward(x, w, null, geo, out, undefined, { path: 'direct' })).toThrow(/float32/);
  });
});
