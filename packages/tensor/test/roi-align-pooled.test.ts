import { ROI_PARALLEL_MIN, roiAlignBackward, roiAlignForward, roiAlignPooled } from '@ocellus/tensor/kernels';
import { poolStats } from '@ocellus/tensor/runtime';
import { describe, expect, it } from 'vitest';
import { prng } from './seeded.js';

/** An odd map [2, 13, 21, 19] and 400 RoIs across it (some past its edges), pooled to 7x5 at scale 1/4. */
function problem(dtype: 'float32' | 'float64') {
  const random = prng(7);
  const geo = { n: 2, c: 13, h: 21, w: 19, k: 400, oh: 7, ow: 5, spatialScale: 0.25 };
  const Values = dtype === 'float32' ? Float32Array : Float64Array;
  const uniform = (length: number) => {
    const values = new Values(length);
    for (let i = 0; i < length; i++) values[i] = 2 * random() - 1;
    return values;
  };
  const x = uniform(geo.n * geo.c * geo.h * geo.w);
  const rois = new Float64Array(geo.k * 5);
  for (let r = 0; r < geo.k; r++) {
    const [a, b, c, d] = [random(), random(), random(), random()].map((v) => v * 90 - 8);
    rois.set([r % geo.n, Math.min(a!, b!), Math.min(c!, d!), Math.max(a!, b!), Math.max(c!, d!)], 5 * r);
  }
  const g = uniform(geo.k * geo.c * geo.oh * geo.ow);
  return { geo, x, rois, g, Values };
}

describe.each(['float32', 'float64'] as const)('roiAlignPooled [%s]', (dtype) => {
  const sampling = { samplingRatio: 2, aligned: false };

  it('gives exactly the one-thread forward and backward when split over two threads by channel blocks', () => {
    const { geo, x, rois, g, Values } = problem(dtype);
    expect(geo.k * geo.c * geo.oh * geo.ow).toBeGreaterThanOrEqual(ROI_PARALLEL_MIN);
    const [alone, pooled] = [new Values(g.length), new Values(g.length)];
    roiAlignForward(x, rois, geo, sampling, alone);
    roiAlignPooled(false, x, rois, geo, sampling, pooled, 2);
    // Nothing else in this file uses the pool: a worker exists because this call ran on it.
    expect(poolStats().workers).toBeGreaterThanOrEqual(1);
    expect([...pooled]).toEqual([...alone]);
    expect(alone.some((v) => v !== 0)).toBe(true);

    const [dxAlone, dxPooled] = [new Values(x.length), new Values(x.length)];
    roiAlignBackward(g, rois, geo, sampling, dxAlone);
    roiAlignPooled(true, g, rois, geo, sampling, dxPooled, 2);
    expect([...dxPooled]).toEqual([...dxAlone]);
    expect(dxAlone.some((v) => v !== 0)).toBe(true);
  });

  it('reads and writes arrays outside shared memory through shared copies', () => {
    const { geo, x, rois, Values } = problem(dtype);
    const plain = new Values(new ArrayBuffer(x.byteLength));
    plain.set(x);
    const out = new Values(new ArrayBuffer(geo.k * geo.c * geo.oh * geo.ow * Values.BYTES_PER_ELEMENT));
    const expected = new Values(out.length);
    roiAlignForward(x, rois, geo, sampling, expected);
    roiAlignPooled(false, plain, rois, geo, sampling, out, 2);
    expect([...out]).toEqual([...expected]);
  });
});
