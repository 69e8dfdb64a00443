import type { Runtime } from '../runtime/index.js';
import type { Conv2dGeometry } from './conv-geometry.js';
import { consecutive, tapOffsets } from './conv-tables.js';
import { type IgemmOptions, igemm } from './simd/igemm.js';
import { stageInputTiles, winogradShape, winogradTiling } from './winograd-conv2d.js';

// The weight gradient of a 3x3 stride-1 convolution on Winograd's F(2x2, 3x3): the forward pass is linear in
// the kernel g, Y = A^T [(G g G^T) . V] A per tile, so its adjoint is dg = G^T [sum over tiles of
// (A dY A^T) . V] G. The sum over tiles is one GEMM per tile element (k = tiles), batched in one igemm call.

/** How conv2d's direct path computes dw: the igemm over the taps, or Winograd. */
export type ConvWeightGrad = 'direct' | 'winograd';

const roundUp4 = (v: number) => Math.ceil(v / 4) * 4;

/**
 * Channels from which the weight gradient gains: in bench:conv (CPU time per call) it took 0.7-0.9x the
 * direct path's time at 64 and 128 channels, but 0.95-1.65x at 32, where the tiles' transforms dominate.
 */
export const WINOGRAD_WEIGHT_MIN_CHANNELS = 64;

/** Whether dw takes Winograd: forced by `wanted` (where the shape allows), else by channel counts. */
export function winogradWeightGradChosen(geo: Conv2dGeometry, wanted?: ConvWeightGrad): boolean {
  if (wanted === 'winograd' && !winogradShape(geo)) {
    throw new RangeError('conv2d: the Winograd weight gradient needs a 3x3 stride-1 kernel');
  }
  if (wanted !== undefined) return wanted === 'winograd';
  const min = WINOGRAD_WEIGHT_MIN_CHANNELS;
  return winogradShape(geo) && geo.c >= min && geo.outChannels >= min;
}

/** dw [f, c, 3, 3] += G^T P G for each (f, c), P's 16 elements `xiStride` floats apart from `at`. */
function addKernels(mem: Float32Array, at: number, dw: Float32Array, f: number, c: number): void {
  const xiStride = f * c;
  const t = new Float64Array(12);
  for (let fo = 0; fo < f; fo++) {
    for (let ch = 0; ch < c; ch++) {
      const o = at + fo * c + ch;
      // G^T P, G^T = [[1, 1/2, 1/2, 0], [0, 1/2, -1/2, 0], [0, 1/2, 1/2, 1]]: 3 rows of 4.
      for (let j = 0; j < 4; j++) {
        const p0 = mem[o + j * xiStride]!;
        const p1 = mem[o + (4 + j) * xiStride]!;
        const p2 = mem[o + (8 + j) * xiStride]!;
        const p3 = mem[o + (12 + j) * xiStride]!;
        t[j] = p0 + (p1 + p2) / 2;
        t[4 + j] = (p1 - p2) / 2;
        t[8 + j] = (p1 + p2) / 2 + p3;
      }
      const d = (fo * c + ch) * 9;
      for (let k = 0; k < 3; k++) {
        const [t0, t1, t2, t3] = [t[4 * k]!, t[4 * k + 1]!, t[4 * k + 2]!, t[4 * k + 3]!];
        dw[d + 3 * k]! += t0 + (t1 + t2) / 2;
        dw[d + 3 * k + 1]! += (t1 - t2) / 2;
        dw[d + 3 * k + 2]! += (t1 + t2) / 2 + t3;
      }
    }
  }
}

/** The weight gradient's scratch regions in floats, as it asks the runtime for them. */
export function winogradWeightGradScratch(geo: Conv2dGeometry) {
  const { n, c, outChannels: f, oh, ow } = geo;
  const { th, tw, tiles, hp, wp } = winogradTiling(geo);
  return {
    raw: n * c * geo.h * geo.w,
    padded: n * c * hp * wp,
    v: 16 * c * tiles,
    g: n * f * oh * ow,
    gPadded: n * f * 2 * th * 2 * tw,
    gt: 16 * tiles * roundUp4(f),
    p: 16 * f * c,
  };
}

/** dw += the weight gradient of conv2d(x, w) for gradOut `g` (already through any ReLU mask). */
export function winogradWeightGrad(
  rt: Runtime,
  g: Float32Array,
  x: Float32Array,
  geo: Conv2dGeometry,
  dw: Float32Array,
  options: IgemmOptions,
): void {
  const { n, c, outChannels: f, oh, ow } = geo;
  const tiling = winogradTiling(geo);
  const { th, groups, tw, planeTiles, tiles } = tiling;
  const fp = roundUp4(f);
  const [yh, yw] = [2 * th, 2 * tw];
  const [rows, cols, cbase] = rt.tables(
    tapOffsets(c, 1, 1, 1, 1, 1, tiles),
    consecutive(tiles),
    consecutive(c),
  ) as [number, number, number];
  const at = rt.scratch(winogradWeightGradScratch(geo));
  stageInputTiles(rt, x, geo, tiling, at);
  rt.floats.set(g, at.g >> 2);
  const k = rt.kernels;
  k.padPlanes(at.g, at.gPadded, n * f, oh, ow, 0, 0, yh, yw);
  // One tile row of every channel at a time: the rows of fp floats it scatters into stay in cache.
  for (let b = 0; b < n; b++) {
    for (let ty = 0; ty < th; ty++) {
      const gt = at.gt + 4 * (b * planeTiles + ty * tw) * fp;
      for (let fo = 0; fo < f; fo++) {
        const row = at.gPadded + 4 * ((b * f + fo) * yh + 2 * ty) * yw;
        k.winogradGradTiles(row, gt + 4 * fo, 1, groups, 4 * fp, 4 * tiles * fp);
      }
    }
  }
  igemm(
    rt,
    {
      src: at.v,
      rows,
      rowCount: c,
      cols,
      k: tiles,
      b: at.gt,
      ldb: 4 * fp,
      cbase,
      cOff: at.p,
      fStride: 4 * c,
      channels: f,
      bias: 0,
      flags: 0,
      batches: 16,
      srcStep: 4 * c * tiles,
      bStep: 4 * tiles * fp,
      cStep: 4 * f * c,
    },
    options,
  );
  addKernels(rt.floats, at.p >> 2, dw, f, c);
}
