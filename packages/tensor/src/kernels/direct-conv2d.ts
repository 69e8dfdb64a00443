import type { Conv2dGeometry } from './conv-geometry.js';
import { consecutive, outputOrigins, tapOffsets, windowOrigins } from './conv-tables.js';
import { igemm } from './simd/igemm.js';
import { FLAG_BIAS, FLAG_RELU } from './simd/igemm-module.js';
import type { SimdRuntime } from './simd/runtime.js';

// Convolutions as indirect GEMMs in WebAssembly SIMD over a zero-padded copy of the image: no im2col
// matrix, no packing, the output written straight into NCHW. float32 only; conv2d.ts picks the path.

const roundUp4 = (v: number) => Math.ceil(v / 4) * 4;

/** Copies NCHW planes of h x w into planes of hp x wp zeros at (top, left). */
function stagePadded(
  mem: Float32Array,
  at: number,
  src: Float32Array,
  planes: number,
  h: number,
  w: number,
  top: number,
  left: number,
  hp: number,
  wp: number,
): void {
  const base = at >> 2;
  if (hp === h && wp === w) {
    mem.set(src, base);
    return;
  }
  mem.fill(0, base, base + planes * hp * wp);
  let s = 0;
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < h; y++) {
      const d = base + (p * hp + top + y) * wp + left;
      for (let x = 0; x < w; x++) mem[d + x] = src[s++]!;
    }
  }
}

/** [n, f, plane] as position-major rows [n * plane, fp] (the weight gradient's B matrix). */
function stagePositionMajor(
  mem: Float32Array,
  at: number,
  src: Float32Array,
  n: number,
  f: number,
  plane: number,
  fp: number,
): void {
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < f; ch++) {
      const s = (b * f + ch) * plane;
      let d = (at >> 2) + b * plane * fp + ch;
      for (let i = 0; i < plane; i++, d += fp) mem[d] = src[s + i]!;
    }
  }
}

/** [f, taps] transposed into rows [taps, fp], the channels padded with zeros. */
function stageTransposed(
  mem: Float32Array,
  at: number,
  src: Float32Array,
  f: number,
  taps: number,
  fp: number,
): void {
  const base = at >> 2;
  for (let t = 0; t < taps; t++) {
    const row = base + t * fp;
    for (let ch = 0; ch < f; ch++) mem[row + ch] = src[ch * taps + t]!;
    for (let ch = f; ch < fp; ch++) mem[row + ch] = 0;
  }
}

/** w' [(f, ky', kx'), c] = w[f, c, kh - 1 - ky', kw - 1 - kx'], rows of cp floats. */
function stageRotated(mem: Float32Array, at: number, w: Float32Array, geo: Conv2dGeometry, cp: number): void {
  const { c, outChannels: f, kh, kw } = geo;
  const base = at >> 2;
  for (let ch = 0; ch < f; ch++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const row = base + ((ch * kh + ky) * kw + kx) * cp;
        for (let i = 0; i < c; i++) mem[row + i] = w[((ch * c + i) * kh + kh - 1 - ky) * kw + kw - 1 - kx]!;
        for (let i = c; i < cp; i++) mem[row + i] = 0;
      }
    }
  }
}

/** out = conv2d(x, w) + bias, then max(0, .) when `relu`; overwrites out. */
export function directConv2dForward(
  rt: SimdRuntime,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  geo: Conv2dGeometry,
  out: Float32Array,
  relu: boolean,
): void {
  const { n, c, h, outChannels: f, kh, kw, oh, ow, padH, padW, positions, patchSize: taps } = geo;
  const hp = h + 2 * padH;
  const wp = geo.w + 2 * padW;
  const fp = roundUp4(f);
  const [rows, cols, cbase] = rt.tables(
    windowOrigins(n, c, hp, wp, oh, ow, geo.strideH, geo.strideW),
    tapOffsets(c, kh, kw, geo.dilationH, geo.dilationW, hp, wp),
    outputOrigins(n, f, oh * ow),
  ) as [number, number, number];
  const at = rt.scratch({ x: n * c * hp * wp, w: taps * fp, bias: fp, out: out.length });
  const mem = rt.floats;
  stagePadded(mem, at.x, x, n * c, h, geo.w, padH, padW, hp, wp);
  stageTransposed(mem, at.w, w, f, taps, fp);
  if (bias) {
    mem.set(bias, at.bias >> 2);
    mem.fill(0, (at.bias >> 2) + f, (at.bias >> 2) + fp);
  }
  igemm(rt, {
    src: at.x,
    rows,
    rowCount: positions,
    cols,
    k: taps,
    b: at.w,
    ldb: 4 * fp,
    cbase,
    cOff: at.out,
    fStride: 4 * oh * ow,
    channels: f,
    bias: bias ? at.bias : 0,
    flags: (bias ? FLAG_BIAS : 0) | (relu ? FLAG_RELU : 0),
  });
  out.set(mem.subarray(at.out >> 2, (at.out >> 2) + out.length));
}

/** dw += sum over positions of gradOut[p, f] * patch(x)[p, tap]: taps are the rows, positions the sum. */
export function directConv2dWeightGrad(
  rt: SimdRuntime,
  gradOut: Float32Array,
  x: Float32Array,
  geo: Conv2dGeometry,
  dw: Float32Array,
): void {
  const { n, c, h, outChannels: f, kh, kw, oh, ow, padH, padW, positions, patchSize: taps } = geo;
  const hp = h + 2 * padH;
  const wp = geo.w + 2 * padW;
  const fp = roundUp4(f);
  const [rows, cols, cbase] = rt.tables(
    tapOffsets(c, kh, kw, geo.dilationH, geo.dilationW, hp, wp),
    windowOrigins(n, c, hp, wp, oh, ow, geo.strideH, geo.strideW),
    consecutive(taps),
  ) as [number, number, number];
  const at = rt.scratch({ x: n * c * hp * wp, g: positions * fp, out: f * taps });
  const mem = rt.floats;
  stagePadded(mem, at.x, x, n * c, h, geo.w, padH, padW, hp, wp);
  stagePositionMajor(mem, at.g, gradOut, n, f, oh * ow, fp);
  igemm(rt, {
    src: at.x,
    rows,
    rowCount: taps,
    cols,
    k: positions,
    b: at.g,
    ldb: 4 * fp,
    cbase,
    cOff: at.out,
    fStride: 4 * taps,
    channels: f,
    bias: 0,
    flags: 0,
  });
  const o = at.out >> 2;
  for (let i = 0; i < dw.length; i++) dw[i]! += mem[o + i]!;
}

/** Whether directConv2dInputGrad handles the geometry: stride 1 (the full correlation below needs it). */
export const directInputGradFits = (geo: Conv2dGeometry): boolean => geo.strideH === 1 && geo.strideW === 1;

/**
 * dx += the full correlation of gradOut (zero-padded by the dilated kernel extent) with the kernel
 * rotated by 180 degrees and its channel axes swapped, read at the positions of the unpadded input.
 */
export function directConv2dInputGrad(
  rt: SimdRuntime,
  gradOut: Float32Array,
  w: Float32Array,
  geo: Conv2dGeometry,
  dx: Float32Array,
): void {
  const { n, c, h, outChannels: f, kh, kw, oh, ow, padH, padW } = geo;
  const eh = geo.dilationH * (kh - 1);
  const ew = geo.dilationW * (kw - 1);
  const gh = oh + 2 * eh;
  const gw = ow + 2 * ew;
  const taps = f * kh * kw;
  const cp = roundUp4(c);
  const inputs = n * h * geo.w;
  const [rows, cols, cbase] = rt.tables(
    windowOrigins(n, f, gh, gw, h, geo.w, 1, 1, padH, padW),
    tapOffsets(f, kh, kw, geo.dilationH, geo.dilationW, gh, gw),
    outputOrigins(n, c, h * geo.w),
  ) as [number, number, number];
  const at = rt.scratch({ g: n * f * gh * gw, w: taps * cp, out: dx.length });
  const mem = rt.floats;
  stagePadded(mem, at.g, gradOut, n * f, oh, ow, eh, ew, gh, gw);
  stageRotated(mem, at.w, w, geo, cp);
  igemm(rt, {
    src: at.g,
    rows,
    rowCount: inputs,
    cols,
    k: taps,
    b: at.w,
    ldb: 4 * cp,
    cbase,
    cOff: at.out,
    fStride: 4 * h * geo.w,
    channels: c,
    bias: 0,
    flags: 0,
  });
  const o = at.out >> 2;
  for (let i = 0; i < dx.length; i++) dx[i]! += mem[o + i]!;
}
