import * as T from '@ocellus/tensor';
import { type DType, Rng, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

/**
 * torchvision's roi_pool and roi_align written out plainly, one output element at a time: each
 * output is a weighted sum of input elements ("taps"), so the forward is the sum and the backward
 * scatters the upstream gradient over the same taps. Box arithmetic runs in the element type.
 */
type Taps = [index: number, weight: number][];
interface Options {
  oh: number;
  ow: number;
  scale: number;
  samplingRatio: number;
  aligned: boolean;
}

const roundHalfAway = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

function poolTaps(
  x: ArrayLike<number>,
  shape: number[],
  roi: number[],
  o: Options,
  f: (v: number) => number,
): Taps[] {
  const [, c, h, w] = shape as [number, number, number, number];
  const [b, x1, y1, x2, y2] = roi.map((v) => f(v)) as [number, number, number, number, number];
  const [sx, sy, ex, ey] = [x1, y1, x2, y2].map((v) => roundHalfAway(f(v * f(o.scale)))) as number[];
  const binH = f(Math.max(ey! - sy! + 1, 1) / o.oh);
  const binW = f(Math.max(ex! - sx! + 1, 1) / o.ow);
  const clip = (v: number, size: number) => Math.min(Math.max(v, 0), size);
  const taps: Taps[] = [];
  for (let ch = 0; ch < c; ch++) {
    for (let ph = 0; ph < o.oh; ph++) {
      for (let pw = 0; pw < o.ow; pw++) {
        const hs = clip(Math.floor(f(ph * binH)) + sy!, h);
        const he = clip(Math.ceil(f((ph + 1) * binH)) + sy!, h);
        const ws = clip(Math.floor(f(pw * binW)) + sx!, w);
        const we = clip(Math.ceil(f((pw + 1) * binW)) + sx!, w);
        let best = -1;
        for (let y = hs; y < he; y++) {
          for (let xx = ws; xx < we; xx++) {
            const i = ((b * c + ch) * h + y) * w + xx;
            if (best < 0 || x[i]! > x[best]!) best = i;
          }
        }
        taps.push(best < 0 ? [] : [[best, 1]]);
      }
    }
  }
  return taps;
}

function bilinear(y: number, x: number, h: number, w: number): Taps {
  if (y < -1 || y > h || x < -1 || x > w) return [];
  let [yy, xx] = [Math.max(y, 0), Math.max(x, 0)];
  let [yl, xl] = [Math.floor(yy), Math.floor(xx)];
  let [yh, xh] = [yl + 1, xl + 1];
  if (yl >= h - 1) [yl, yh, yy] = [h - 1, h - 1, h - 1];
  if (xl >= w - 1) [xl, xh, xx] = [w - 1, w - 1, w - 1];
  const [ly, lx] = [yy - yl, xx - xl];
  return [
    [yl * w + xl, (1 - ly) * (1 - lx)],
    [yl * w + xh, (1 - ly) * lx],
    [yh * w + xl, ly * (1 - lx)],
    [yh * w + xh, ly * lx],
  ];
}

function alignTaps(shape: number[], roi: number[], o: Options, f: (v: number) => number): Taps[] {
  const [, c, h, w] = shape as [number, number, number, number];
  const off = o.aligned ? 0.5 : 0;
  const [b, sx, sy, ex, ey] = roi.map((v, j) => (j === 0 ? v : f(f(f(v) * f(o.scale)) - off))) as number[];
  let roiH = f(ey! - sy!);
  let roiW = f(ex! - sx!);
  if (!o.aligned) [roiH, roiW] = [Math.max(roiH, 1), Math.max(roiW, 1)];
  const binH = f(roiH / o.oh);
  const binW = f(roiW / o.ow);
  const gh = o.samplingRatio > 0 ? o.samplingRatio : Math.ceil(binH);
  const gw = o.samplingRatio > 0 ? o.samplingRatio : Math.ceil(binW);
  const count = Math.max(gh * gw, 1);
  const taps: Taps[] = [];
  for (let ch = 0; ch < c; ch++) {
    const plane = (b! * c + ch) * h * w;
    for (let ph = 0; ph < o.oh; ph++) {
      for (let pw = 0; pw < o.ow; pw++) {
        const bin: Taps = [];
        for (let iy = 0; iy < gh; iy++) {
          const y = f(f(sy! + f(ph * binH)) + f(f((iy + 0.5) * binH) / gh));
          for (let ix = 0; ix < gw; ix++) {
            const x = f(f(sx! + f(pw * binW)) + f(f((ix + 0.5) * binW) / gw));
            for (const [i, wt] of bilinear(y, x, h, w)) bin.push([plane + i, wt / count]);
          }
        }
        taps.push(bin);
      }
    }
  }
  return taps;
}

const rng = new Rng(29);
const shape = [3, 2, 9, 7];
const uniform = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
/** Random boxes around and across a 9x7 map, given in image pixels at `scale`, plus a degenerate one. */
function randomRois(scale: number): number[][] {
  const boxes = Array.from({ length: 16 }, () => {
    const [xa, xb] = [uniform(-4, 11), uniform(-4, 11)];
    const [ya, yb] = [uniform(-4, 13), uniform(-4, 13)];
    return [rng.int(0, 3), Math.min(xa, xb), Math.min(ya, yb), Math.max(xa, xb), Math.max(ya, yb)];
  });
  boxes.push([2, 3, 4, 3, 4]);
  return boxes.map(([b, ...corners]) => [b!, ...corners.map((v) => v / scale)]);
}

/** max over elements of |a - e| / max(|e|, 1). */
function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), 1));
  }
  return worst;
}

function check(dtype: DType, o: Options, kind: 'pool' | 'align', tol: number) {
  const x = T.rand(shape, rng, { dtype, low: -2, high: 2 }).requireGrad();
  const boxes = randomRois(o.scale);
  const rois = T.tensor(boxes, undefined, { dtype });
  const options = { outputSize: [o.oh, o.ow] as [number, number], spatialScale: o.scale };
  const out: Tensor =
    kind === 'pool'
      ? T.roiPool(x, rois, options)
      : T.roiAlign(x, rois, { ...options, samplingRatio: o.samplingRatio, aligned: o.aligned });
  const upstream = T.rand(out.shape, rng, { dtype, low: -1, high: 1 });
  out.backward(upstream);

  const f = dtype === 'float32' ? Math.fround : (v: number) => v;
  const xv = x.values();
  const rv = rois.values();
  const taps = boxes.flatMap((_, k) => {
    const roi = Array.from(rv.subarray(k * 5, k * 5 + 5));
    return kind === 'pool' ? poolTaps(xv, shape, roi, o, f) : alignTaps(shape, roi, o, f);
  });
  const expected = taps.map((bin) => bin.reduce((s, [i, wt]) => s + wt * xv[i]!, 0));
  const dx = new Float64Array(xv.length);
  const g = upstream.values();
  taps.forEach((bin, j) => {
    for (const [i, wt] of bin) dx[i]! += wt * g[j]!;
  });

  expect(out.shape).toEqual([boxes.length, shape[1], o.oh, o.ow]);
  expect(expected.some((v) => v !== 0)).toBe(true);
  expect(worstError(out.values(), expected)).toBeLessThanOrEqual(tol);
  expect(worstError(x.grad!.values(), dx)).toBeLessThanOrEqual(tol);
}

// float32 is rounded once per stored value (6e-8) and summed in a different order.
const dtypes = [
  ['float64', 1e-12],
  ['float32', 1e-5],
] as const;

describe.each(dtypes)('roiPool and roiAlign against a naive torchvision reference [%s]', (dtype, tol) => {
  it.each([
    [5, 4, 1],
    [3, 2, 0.5],
  ])('roiPool %ix%i, scale %d, on a [3, 2, 9, 7] map', (oh, ow, scale) => {
    check(dtype, { oh, ow, scale, samplingRatio: 0, aligned: false }, 'pool', tol);
  });

  it.each([
    [5, 4, 1, 0, false],
    [3, 2, 0.5, -1, true],
    [2, 3, 0.25, 3, false],
    [5, 4, 0.5, 1, true],
  ])(
    'roiAlign %ix%i, scale %d, sampling %i, aligned %s, on a [3, 2, 9, 7] map',
    (oh, ow, scale, samplingRatio, aligned) => {
      check(dtype, { oh, ow, scale, samplingRatio, aligned }, 'align', tol);
    },
  );
});
