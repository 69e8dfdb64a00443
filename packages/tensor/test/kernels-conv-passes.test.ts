import {
  backwardFloats,
  CONV_PASS_BYTES,
  conv2dBackward,
  conv2dForward,
  conv2dGeometry,
  forwardFloats,
  imagesPerPass,
  withBatch,
} from '@ocellus/tensor/kernels';
import { simdRuntime, support } from '@ocellus/tensor/runtime';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { convData, labelled } from './kernels-conv-cases.js';
import { type ConvCase, maxScaledError, naiveConv2d, naiveConv2dBackward } from './kernels-reference.js';
import { prng, randomArray } from './seeded.js';

// A batch whose WebAssembly scratch would pass the runtime's 1 GiB runs in passes of fewer images: the
// passes are checked against the naive loops on odd shapes, each path (direct, Winograd, fused pool, each
// input- and weight-gradient plan), with the budget set so that a pass holds two images of five.
const k3 = { kh: 3, kw: 3, stride: [1, 1] as [number, number], dilation: [1, 1] as [number, number] };
const cases: (ConvCase & { label: string })[] = [
  {
    label: 'direct, strided 5x3',
    n: 5,
    c: 3,
    h: 11,
    w: 13,
    f: 4,
    kh: 5,
    kw: 3,
    stride: [3, 2],
    padding: [2, 1],
    dilation: [2, 3],
  },
  { label: 'direct 3x3, 6 channels', n: 5, c: 2, h: 9, w: 7, f: 6, ...k3, padding: [1, 1] },
  { label: 'Winograd 3x3', n: 5, c: 33, h: 7, w: 9, f: 34, ...k3, padding: [1, 1] },
];
const f32 = (a: Float64Array) => Float32Array.from(a);

/** Records the floats of every scratch request the runtime gets while it is spied on. */
function scratchRequests(): number[] {
  const rt = simdRuntime();
  if (!rt) throw new Error('no SIMD runtime');
  const requests: number[] = [];
  const scratch = rt.scratch.bind(rt);
  vi.spyOn(rt, 'scratch').mockImplementation((sizes) => {
    requests.push(Object.values<number>(sizes).reduce((a, b) => a + b, 0));
    return scratch(sizes);
  });
  return requests;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.runIf(support.simd)('conv2d in passes over a batch', () => {
  it.each(labelled(cases, (p) => p.label))('forward (with ReLU) matches the loops for %s', (_, p) => {
    const geo = conv2dGeometry({ ...p, outChannels: p.f });
    const { x, w, bias } = convData(p, prng(3), geo);
    const winograd = p.c >= 32;
    const passBytes = 4 * forwardFloats(winograd, false)(withBatch(geo, 2));
    expect(imagesPerPass(geo, forwardFloats(winograd, false), passBytes)).toBe(2);
    const requests = scratchRequests();
    const out = new Float32Array(p.n * p.f * geo.oh * geo.ow).fill(Number.NaN);
    conv2dForward(f32(x), f32(w), f32(bias), geo, out, undefined, { passBytes, relu: true });
    expect(requests).toHaveLength(3);
    for (const floats of requests) expect(4 * floats).toBeLessThanOrEqual(passBytes);
    const expected = naiveConv2d(x, w, bias, p).map((v) => Math.max(v, 0));
    expect(maxScaledError(out, expected)).toBeLessThan(1e-5);
  });

  it('forward with a fused pool writes each pass to its own images', () => {
    const p = { n: 5, c: 3, h: 8, w: 10, f: 5, ...k3, padding: [1, 1] as [number, number] };
    const geo = conv2dGeometry({ ...p, outChannels: p.f });
    const { x, w, bias } = convData(p, prng(4), geo);
    const passBytes = 4 * forwardFloats(false, true)(withBatch(geo, 2));
    const pooled = new Float32Array(p.n * p.f * 4 * 5).fill(Number.NaN);
    conv2dForward(f32(x), f32(w), f32(bias), geo, pooled, undefined, { passBytes, relu: true, pool: true });
    const whole = new Float32Array(pooled.length);
    conv2dForward(f32(x), f32(w), f32(bias), geo, whole, undefined, { relu: true, pool: true });
    expect(Array.from(pooled)).toEqual(Array.from(whole));
  });

  const plans = [
    ['direct plans', { inputGrad: 'col2im', weightGrad: 'direct' }],
    ['correlate', { inputGrad: 'correlate', weightGrad: 'direct' }],
    ['Winograd', { inputGrad: 'winograd', weightGrad: 'winograd' }],
  ] as const;
  it.each(plans)('backward adds every pass into dw and db, %s', (name, plan) => {
    const p = cases[name === 'Winograd' ? 2 : 1]!;
    const geo = conv2dGeometry({ ...p, outChannels: p.f });
    const random = prng(5);
    const { x, w, bias, outLength } = convData(p, random, geo);
    const g = randomArray(outLength, random);
    const y = new Float32Array(outLength);
    conv2dForward(f32(x), f32(w), f32(bias), geo, y, undefined, { relu: true });
    const floats = backwardFloats({
      dx: true,
      dw: true,
      relu: true,
      winogradDx: plan.inputGrad === 'winograd',
      winogradDw: plan.weightGrad === 'winograd',
      ...(plan.inputGrad === 'winograd' ? {} : { inputGrad: plan.inputGrad }),
    });
    const passBytes = 4 * floats(withBatch(geo, 2));
    expect(imagesPerPass(geo, floats, passBytes)).toBe(2);
    const requests = scratchRequests();
    const grads = {
      dx: new Float32Array(x.length).fill(1),
      dw: new Float32Array(w.length).fill(1),
      db: new Float32Array(p.f).fill(1),
    };
    conv2dBackward(f32(g), f32(x), f32(w), geo, grads, undefined, { ...plan, passBytes, reluOutput: y });
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const floats of requests) expect(4 * floats).toBeLessThanOrEqual(passBytes);
    const expected = naiveConv2dBackward(
      g.map((v, i) => (y[i]! > 0 ? v : 0)),
      x,
      w,
      p,
    );
    const plusOne = (a: Float64Array) => a.map((v) => v + 1);
    expect(maxScaledError(grads.dx, plusOne(expected.dx))).toBeLessThan(1e-5);
    expect(maxScaledError(grads.dw, plusOne(expected.dw))).toBeLessThan(1e-5);
    expect(maxScaledError(grads.db, plusOne(expected.db))).toBeLessThan(1e-5);
  });
});

describe('imagesPerPass', () => {
  const head = conv2dGeometry({
    n: 6400,
    c: 32,
    h: 14,
    w: 14,
    outChannels: 32,
    kh: 3,
    kw: 3,
    padding: [1, 1],
  });
  const floats = forwardFloats(true, false);

  it('keeps a batch that fits whole', () => {
    expect(imagesPerPass(withBatch(head, 64), floats)).toBe(64);
  });

  it('splits a batch past the 1 GiB into the most images a pass holds', () => {
    const backward = backwardFloats({ dx: true, dw: true, relu: true, winogradDx: true, winogradDw: true });
    expect(4 * backward(head)).toBeGreaterThan(2 ** 30);
    const perPass = imagesPerPass(head, backward);
    expect(perPass).toBeLessThan(6400);
    expect(4 * backward(withBatch(head, perPass))).toBeLessThanOrEqual(CONV_PASS_BYTES);
    expect(4 * backward(withBatch(head, perPass + 1))).toBeGreaterThan(CONV_PASS_BYTES);
  });

  it('runs one image a pass when even one does not fit', () => {
    expect(imagesPerPass(head, floats, 4 * floats(withBatch(head, 1)) - 1)).toBe(1);
  });
});
