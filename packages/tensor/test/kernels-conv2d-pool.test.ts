import { type Conv2dForwardOptions, conv2dForward, conv2dGeometry } from '@ocellus/tensor/kernels';
import { support } from '@ocellus/tensor/runtime';
import { describe, expect, it } from 'vitest';
import { convData, labelled } from './kernels-conv-cases.js';
import { type ConvCase, maxScaledError, naiveConv2d, naivePool2d } from './kernels-reference.js';
import { prng } from './seeded.js';

// The fused 2x2 max-pool of conv2dForward against the unfused kernels and the direct loops, on every
// path: even outputs (pooled in the runtime, also from Winograd's rounded-up tiles) and odd ones (the
// unfused fallback floors them, as maxPool2d(2)).
const k3 = { kh: 3, kw: 3, stride: [1, 1] as [number, number], dilation: [1, 1] as [number, number] };
const cases: ConvCase[] = [
  { n: 3, c: 1, h: 28, w: 28, f: 6, kh: 5, kw: 5, stride: [1, 1], padding: [2, 2], dilation: [1, 1] },
  { n: 2, c: 6, h: 14, w: 14, f: 16, kh: 5, kw: 5, stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
  { n: 2, c: 3, h: 7, w: 9, f: 5, ...k3, padding: [1, 1] },
  { n: 1, c: 5, h: 10, w: 6, f: 9, ...k3, padding: [0, 0] },
  { n: 2, c: 33, h: 10, w: 14, f: 34, ...k3, padding: [1, 1] },
  { n: 1, c: 32, h: 9, w: 13, f: 32, ...k3, padding: [1, 1] },
  { n: 2, c: 3, h: 11, w: 13, f: 4, kh: 5, kw: 3, stride: [3, 2], padding: [2, 1], dilation: [2, 3] },
];
const modes: [string, Conv2dForwardOptions][] = [
  ['im2col', { path: 'im2col' }],
  ...(support.simd
    ? ([
        ['direct', { path: 'direct', threads: 1, winograd: false }],
        ['direct, 2 threads', { path: 'direct', threads: 2, parallelMin: 0, winograd: false }],
        ['Winograd where 3x3', { path: 'direct', threads: 1, winograd: true }],
      ] as [string, Conv2dForwardOptions][])
    : []),
];
const f32 = (a: Float64Array) => Float32Array.from(a);

function pooledReference(values: ArrayLike<number>, p: ConvCase, oh: number, ow: number): Float64Array {
  const pool = { n: p.n, c: p.f, h: oh, w: ow, kh: 2, kw: 2 };
  return naivePool2d(Float64Array.from(values), { ...pool, stride: [2, 2], padding: [0, 0] }, 'max');
}

describe.each(modes)('conv2d forward with a fused 2x2 max-pool, %s', (_mode, mode) => {
  it.each(labelled(cases))('equals the conv, its ReLU and maxPool2d(2) for %s', (_, p) => {
    const geo = conv2dGeometry({ ...p, outChannels: p.f });
    const { x, w, bias } = convData(p, prng(11), geo);
    const pooledLength = p.n * p.f * Math.floor(geo.oh / 2) * Math.floor(geo.ow / 2);
    for (const relu of [false, true]) {
      const full = new Float32Array(p.n * p.f * geo.oh * geo.ow);
      conv2dForward(f32(x), f32(w), f32(bias), geo, full, undefined, { ...mode, relu });
      const pooled = new Float32Array(pooledLength).fill(Number.NaN);
      conv2dForward(f32(x), f32(w), f32(bias), geo, pooled, undefined, { ...mode, relu, pool: true });
      expect(Array.from(pooled)).toEqual(Array.from(pooledReference(full, p, geo.oh, geo.ow)));
      const loops = naiveConv2d(x, w, bias, p).map((v) => (relu && v < 0 ? 0 : v));
      expect(maxScaledError(pooled, pooledReference(loops, p, geo.oh, geo.ow))).toBeLessThan(1e-5);
    }
  });
});

describe('conv2d forward with a fused max-pool', () => {
  it('pools float64 by the unfused kernels', () => {
    const p = cases[2]!;
    const geo = conv2dGeometry({ ...p, outChannels: p.f });
    const { x, w, bias } = convData(p, prng(12), geo);
    const out = new Float64Array(p.n * p.f * 3 * 4);
    conv2dForward(x, w, bias, geo, out, undefined, { relu: true, pool: true });
    const loops = naiveConv2d(x, w, bias, p).map((v) => Math.max(0, v));
    expect(maxScaledError(out, pooledReference(loops, p, geo.oh, geo.ow))).toBeLessThan(1e-12);
  });

  it('refuses an output buffer of the unpooled size', () => {
    const p = cases[0]!;
    const geo = conv2dGeometry({ ...p, outChannels: p.f });
    const { x, w, bias } = convData(p, prng(13), geo);
    const out = new Float32Array(p.n * p.f * geo.oh * geo.ow);
    expect(() => conv2dForward(f32(x), f32(w), f32(bias), geo, out, undefined, { pool: true })).toThrow(
      /out/,
    );
  });
});
