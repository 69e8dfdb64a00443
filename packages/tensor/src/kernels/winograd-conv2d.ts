import type { Runtime } from '../runtime/index.js';
import type { Conv2dGeometry } from './conv-geometry.js';
import { copyOutput, pooledScratch } from './conv-output.js';
import { consecutive, tapOffsets } from './conv-tables.js';
import { type Epilogue, stagePadded } from './direct-conv2d.js';
import { type IgemmOptions, igemm } from './simd/igemm.js';

// 3x3 stride-1 convolutions by Winograd's F(2x2, 3x3) (Lavin and Gray 2016): per 2x2 output tile, 16
// products of transformed input and weight tiles instead of 36 multiply-adds, summed over channels by one
// igemm call of 16 batches (one per tile element): the GEMM does 2.25x fewer multiply-adds than the direct
// path, and one dispatch shares all of it between the threads.
// Layouts, tile element xi outermost so each GEMM reads and writes contiguous rows: V [16][c][tiles],
// U [16][c][fp], M [16][f][tiles]. Tile rows are rounded up to a multiple of 4 tiles (the transforms'
// lanes); the extra tiles read zero padding and their outputs are cropped.

const roundUp4 = (v: number) => Math.ceil(v / 4) * 4;

/** What F(2x2, 3x3) computes: 3x3, stride 1, no dilation. */
export const winogradShape = (geo: Conv2dGeometry): boolean =>
  geo.kh === 3 &&
  geo.kw === 3 &&
  geo.strideH === 1 &&
  geo.strideW === 1 &&
  geo.dilationH === 1 &&
  geo.dilationW === 1;

/**
 * Channels from which the forward pass and the input gradient gain: in bench:conv (CPU time per call)
 * Winograd's forward took about 0.86x the direct path's time at 32 channels, 0.55-0.85x at 64 and 128,
 * and was no faster at 16, where the 16 GEMMs' k = c is too short to amortise the transforms.
 */
export const WINOGRAD_MIN_CHANNELS = 32;

/** Whether the forward pass takes Winograd: `wanted` true or false forces it (where the shape allows). */
export const winogradChosen = (geo: Conv2dGeometry, wanted?: boolean): boolean =>
  winogradShape(geo) &&
  (wanted ?? (geo.c >= WINOGRAD_MIN_CHANNELS && geo.outChannels >= WINOGRAD_MIN_CHANNELS));

/** U = G g G^T of every [f, c] 3x3 kernel, G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]. */
function stageWeights(
  mem: Float32Array,
  at: number,
  w: Float32Array,
  c: number,
  f: number,
  fp: number,
): void {
  const base = at >> 2;
  // G g, 4 rows of 3, scalars in a reused buffer: this loop runs for every kernel of every call.
  const t = new Float64Array(12);
  const xiStride = c * fp;
  mem.fill(0, base, base + 16 * xiStride);
  for (let ch = 0; ch < c; ch++) {
    for (let fo = 0; fo < f; fo++) {
      const g = (fo * c + ch) * 9;
      for (let j = 0; j < 3; j++) {
        const top = w[g + j]!;
        const mid = w[g + 3 + j]!;
        const bottom = w[g + 6 + j]!;
        t[j] = top;
        t[3 + j] = (top + mid + bottom) / 2;
        t[6 + j] = (top - mid + bottom) / 2;
        t[9 + j] = bottom;
      }
      let o = base + ch * fp + fo;
      for (let i = 0; i < 12; i += 3, o += 4 * xiStride) {
        const left = t[i]!;
        const mid = t[i + 1]!;
        const right = t[i + 2]!;
        mem[o] = left;
        mem[o + xiStride] = (left + mid + right) / 2;
        mem[o + 2 * xiStride] = (left - mid + right) / 2;
        mem[o + 3 * xiStride] = right;
      }
    }
  }
}

/** The 2x2 output tiles of a geometry: th rows of tw (4 groups) tiles per plane, and the padded input. */
export interface WinogradTiling {
  th: number;
  groups: number;
  tw: number;
  planeTiles: number;
  tiles: number;
  hp: number;
  wp: number;
}

export function winogradTiling(geo: Conv2dGeometry): WinogradTiling {
  const th = Math.ceil(geo.oh / 2);
  const groups = Math.ceil(geo.ow / 8);
  const tw = 4 * groups;
  return { th, groups, tw, planeTiles: th * tw, tiles: geo.n * th * tw, hp: 2 * th + 2, wp: 2 * tw + 2 };
}

/** V [16][c][tiles] of x, staged at `raw` and zero-padded at `padded` on the way (regions of the scratch). */
export function stageInputTiles(
  rt: Runtime,
  x: Float32Array,
  geo: Conv2dGeometry,
  t: WinogradTiling,
  at: { raw: number; padded: number; v: number },
): void {
  const { n, c } = geo;
  const pad = { planes: n * c, h: geo.h, w: geo.w, top: geo.padH, left: geo.padW, hp: t.hp, wp: t.wp };
  stagePadded(rt, at.raw, at.padded, x, pad);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = at.padded + 4 * (b * c + ch) * t.hp * t.wp;
      const tiles = at.v + 4 * (ch * t.tiles + b * t.planeTiles);
      rt.kernels.winogradInput(plane, tiles, t.th, t.groups, t.wp, 4 * c * t.tiles);
    }
  }
}

/**
 * out = conv2d(x, w) + bias, then max(0, .) with `relu`, then pooled with `pool`; overwrites out. Needs
 * winogradShape(geo).
 */
/** The forward pass's scratch regions in floats, as it asks the runtime for them. */
export function winogradForwardScratch(geo: Conv2dGeometry, pool: boolean) {
  const { n, c, outChannels: f } = geo;
  const { th, tw, tiles, hp, wp } = winogradTiling(geo);
  const [yh, yw] = [2 * th, 2 * tw];
  return {
    raw: n * c * geo.h * geo.w,
    padded: n * c * hp * wp,
    v: 16 * c * tiles,
    u: 16 * c * roundUp4(f),
    bias: f,
    m: 16 * f * tiles,
    y: n * f * yh * yw,
    pooled: pooledScratch(n * f, yh, yw, pool),
  };
}

export function winogradConv2dForward(
  rt: Runtime,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  geo: Conv2dGeometry,
  out: Float32Array,
  { relu, pool }: Epilogue,
  options: IgemmOptions = {},
): void {
  const { n, c, outChannels: f, oh, ow } = geo;
  const tiling = winogradTiling(geo);
  const { th, groups, tw, planeTiles, tiles } = tiling;
  const [yh, yw] = [2 * th, 2 * tw];
  const fp = roundUp4(f);
  const [rows, cols] = rt.tables(consecutive(tiles), tapOffsets(c, 1, 1, 1, 1, 1, tiles)) as [number, number];
  const at = rt.scratch(winogradForwardScratch(geo, pool));
  stageInputTiles(rt, x, geo, tiling, at);
  const mem = rt.floats;
  const k = rt.kernels;
  stageWeights(mem, at.u, w, c, f, fp);
  if (bias) mem.set(bias, at.bias >> 2);
  else mem.fill(0, at.bias >> 2, (at.bias >> 2) + f);
  igemm(
    rt,
    {
      src: at.v,
      rows,
      rowCount: tiles,
      cols,
      k: c,
      b: at.u,
      ldb: 4 * fp,
      cbase: rows,
      cOff: at.m,
      fStride: 4 * tiles,
      channels: f,
      bias: 0,
      flags: 0,
      batches: 16,
      srcStep: 4 * c * tiles,
      bStep: 4 * c * fp,
      cStep: 4 * f * tiles,
    },
    options,
  );
  for (let b = 0; b < n; b++) {
    for (let fo = 0; fo < f; fo++) {
      const products = at.m + 4 * (fo * tiles + b * planeTiles);
      const plane = at.y + 4 * (b * f + fo) * yh * yw;
      k.winogradOutput(products, plane, th, groups, 4 * f * tiles, at.bias + 4 * fo, relu ? 1 : 0);
    }
  }
  copyOutput(rt, out, at.y, { planes: n * f, rows: yh, cols: yw, oh, ow }, pool ? { at: at.pooled } : null);
}
