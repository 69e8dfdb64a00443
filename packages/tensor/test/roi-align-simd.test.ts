import { ROI_PARALLEL_MIN, roiAlignBackward, roiAlignForward, roiAlignPooled } from '@ocellus/tensor/kernels';
import { poolStats, support } from '@ocellus/tensor/runtime';
import { describe, expect, it } from 'vitest';
import { prng } from './seeded.js';

interface Case {
  geo: {
    n: number;
    c: number;
    h: number;
    w: number;
    k: number;
    oh: number;
    ow: number;
    spatialScale: number;
  };
  sampling: { samplingRatio: number; aligned: boolean };
}

/** A float32 map and RoIs scattered over it (some past its edges, some degenerate). */
function problem({ geo }: Case, seed: number) {
  const random = prng(seed);
  const x = new Float32Array(geo.n * geo.c * geo.h * geo.w).map(() => 2 * random() - 1);
  const rois = new Float64Array(geo.k * 5);
  const reach = Math.max(geo.h, geo.w) / geo.spatialScale + 16;
  for (let r = 0; r < geo.k; r++) {
    const [a, b, c, d] = [random(), random(), random(), random()].map((v) => v * reach - 8);
    const box =
      r % 17 === 0
        ? [a!, c!, a!, c!]
        : [Math.min(a!, b!), Math.min(c!, d!), Math.max(a!, b!), Math.max(c!, d!)];
    rois.set([r % geo.n, ...box], 5 * r);
  }
  return { x, rois };
}

// Channels: one block of four vectors (16), blocks and single vectors after them (20, 44), single vectors
// only (4, 12); odd maps and bins, fixed and adaptive sampling, aligned or not.
const cases: Case[] = [
  {
    geo: { n: 2, c: 12, h: 21, w: 19, k: 400, oh: 7, ow: 5, spatialScale: 0.25 },
    sampling: { samplingRatio: 2, aligned: false },
  },
  {
    geo: { n: 2, c: 20, h: 13, w: 17, k: 37, oh: 3, ow: 6, spatialScale: 0.5 },
    sampling: { samplingRatio: 0, aligned: true },
  },
  {
    geo: { n: 1, c: 16, h: 9, w: 11, k: 23, oh: 7, ow: 7, spatialScale: 1 },
    sampling: { samplingRatio: -1, aligned: false },
  },
  {
    geo: { n: 3, c: 44, h: 7, w: 5, k: 11, oh: 2, ow: 3, spatialScale: 0.125 },
    sampling: { samplingRatio: 3, aligned: true },
  },
  {
    geo: { n: 3, c: 4, h: 10, w: 3, k: 50, oh: 1, ow: 1, spatialScale: 0.5 },
    sampling: { samplingRatio: 1, aligned: false },
  },
];
const title = ({ geo, sampling }: Case) =>
  `[${geo.n}, ${geo.c}, ${geo.h}, ${geo.w}], ${geo.k} RoIs to ${geo.oh}x${geo.ow}, sampling ${sampling.samplingRatio}` +
  `${sampling.aligned ? ', aligned' : ''}`;

describe.runIf(support.simd)(
  'roiAlignPooled forward and backward in WebAssembly SIMD (float32, channels in vectors)',
  () => {
    it.each(cases.map((c) => [title(c), c] as const))('agrees with the JavaScript loops: %s', (_, c) => {
      const { x, rois } = problem(c, 11);
      const size = c.geo.k * c.geo.c * c.geo.oh * c.geo.ow;
      const [loops, simd] = [new Float32Array(size), new Float32Array(size).fill(Number.NaN)];
      roiAlignForward(x, rois, c.geo, c.sampling, loops);
      roiAlignPooled(false, x, rois, c.geo, c.sampling, simd, 1);
      let worst = 0;
      for (let i = 0; i < size; i++) worst = Math.max(worst, Math.abs(simd[i]! - loops[i]!));
      // Sums of at most a few hundred float32 products of values in [-1, 1] with weights summing to 1.
      expect(worst).toBeLessThan(4e-7);
      expect(loops.filter((v) => v !== 0).length).toBeGreaterThan(size / 5);
      const unpooled = new Float32Array(size);
      roiAlignPooled(false, x, rois, c.geo, c.sampling, unpooled, 1, { simd: false });
      expect([...unpooled]).toEqual([...loops]);
    });

    it.each(cases.map((c) => [title(c), c] as const))(
      'scatters the gradient as the JavaScript loops do: %s',
      (_, c) => {
        const { x: dxExpected, rois } = problem(c, 13);
        const random = prng(17);
        const g = new Float32Array(c.geo.k * c.geo.c * c.geo.oh * c.geo.ow).map(() => 2 * random() - 1);
        dxExpected.fill(0);
        roiAlignBackward(g, rois, c.geo, c.sampling, dxExpected);
        const dx = new Float32Array(dxExpected.length).fill(Number.NaN);
        roiAlignPooled(true, g, rois, c.geo, c.sampling, dx, 1);
        let worst = 0;
        let scale = 0;
        for (let i = 0; i < dx.length; i++) {
          worst = Math.max(worst, Math.abs(dx[i]! - dxExpected[i]!));
          scale = Math.max(scale, Math.abs(dxExpected[i]!));
        }
        // Each value sums many RoIs' weighted gradients; float32 products rounded in another order.
        expect(worst).toBeLessThan(4e-7 * Math.max(scale, 1));
        expect(dxExpected.filter((v) => v !== 0).length).toBeGreaterThan(dx.length / 5);
      },
    );

    it('gives the same values bit for bit whether one thread or two share the RoIs', () => {
      const c = cases[0]!;
      const { x, rois } = problem(c, 5);
      const size = c.geo.k * c.geo.c * c.geo.oh * c.geo.ow;
      expect(size).toBeGreaterThanOrEqual(ROI_PARALLEL_MIN);
      const [alone, pooled] = [new Float32Array(size), new Float32Array(size)];
      roiAlignPooled(false, x, rois, c.geo, c.sampling, alone, 1);
      roiAlignPooled(false, x, rois, c.geo, c.sampling, pooled, 2);
      expect(poolStats().workers).toBeGreaterThanOrEqual(1);
      expect([...pooled]).toEqual([...alone]);
      const [dxAlone, dxPooled] = [new Float32Array(x.length), new Float32Array(x.length)];
      roiAlignPooled(true, alone, rois, c.geo, c.sampling, dxAlone, 1);
      roiAlignPooled(true, alone, rois, c.geo, c.sampling, dxPooled, 2);
      expect([...dxPooled]).toEqual([...dxAlone]);
      expect(dxAlone.some((v) => v !== 0)).toBe(true);
    });

    it('refuses buffers and RoIs that do not fit, as the JavaScript loops do', () => {
      const c = cases[1]!;
      const { x, rois } = problem(c, 3);
      const size = c.geo.k * c.geo.c * c.geo.oh * c.geo.ow;
      expect(() => roiAlignPooled(false, x, rois, c.geo, c.sampling, new Float32Array(size - 1), 1)).toThrow(
        /pooled/,
      );
      const bad = rois.slice();
      bad[0] = c.geo.n;
      expect(() => roiAlignPooled(false, x, bad, c.geo, c.sampling, new Float32Array(size), 1)).toThrow(
        RangeError,
      );
      expect(() =>
        roiAlignPooled(
          false,
          x,
          rois,
          c.geo,
          { samplingRatio: 1.5, aligned: false },
          new Float32Array(size),
          1,
        ),
      ).toThrow(/samplingRatio/);
    });

    it('leaves float64 maps and channel counts that are not whole vectors to the JavaScript loops', () => {
      const geo = { n: 1, c: 6, h: 8, w: 8, k: 5, oh: 2, ow: 2, spatialScale: 1 };
      const sampling = { samplingRatio: 2, aligned: false };
      const { x, rois } = problem({ geo, sampling }, 9);
      const [loops, pooled] = [new Float32Array(5 * 6 * 4), new Float32Array(5 * 6 * 4)];
      roiAlignForward(x, rois, geo, sampling, loops);
      roiAlignPooled(false, x, rois, geo, sampling, pooled, 1);
      expect([...pooled]).toEqual([...loops]);
    });
  },
);
