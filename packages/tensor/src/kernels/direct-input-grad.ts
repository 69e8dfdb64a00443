import type { Runtime, TableSpec } from '../runtime/index.js';
import type { Conv2dGeometry } from './conv-geometry.js';
import { consecutive, outputOrigins, tapOffsets, windowOrigins } from './conv-tables.js';
import { type IgemmOptions, igemm } from './simd/igemm.js';

// The input gradient of the direct convolution, two ways. 'correlate' (stride 1): the full correlation of
// the zero-padded gradient with the rotated kernel, read at the input positions; its taps over the padding
// are wasted work, about half of it for LeNet's 5x5 valid convolution. 'col2im' (any geometry): the
// tap-major patch matrix cols[tap, position] = sum over f of w[f, tap] g[f, position] by the igemm (exactly
// the needed products), then each tap's block added into the image rows it was read from.

export type InputGradPlan = 'correlate' | 'col2im';

const roundUp4 = (v: number) => Math.ceil(v / 4) * 4;

/**
 * The cheaper plan by multiply-adds (lanes rounded up to the kernel's 4), col2im's adds counted twice;
 * `wanted` forces one ('correlate' needs stride 1).
 */
export function inputGradPlan(geo: Conv2dGeometry, wanted?: InputGradPlan): InputGradPlan {
  const { n, c, h, w, outChannels: f, kh, kw, positions, patchSize: taps } = geo;
  const strided = geo.strideH !== 1 || geo.strideW !== 1;
  if (wanted === 'correlate' && strided) {
    throw new RangeError(
      `conv2d: the correlate input gradient needs stride 1, not ${geo.strideH}x${geo.strideW}`,
    );
  }
  if (wanted) return wanted;
  if (strided) return 'col2im';
  const correlate = n * h * w * f * kh * kw * roundUp4(c);
  const col2im = positions * (f * roundUp4(taps) + 2 * taps);
  return col2im < correlate ? 'col2im' : 'correlate';
}

/** Extent of the dilated kernel minus one, the padding of the gradient for the full correlation. */
const extent = (geo: Conv2dGeometry) => [geo.dilationH * (geo.kh - 1), geo.dilationW * (geo.kw - 1)] as const;

/** The offset tables the plan reads (ask for them with the call's other tables, before its scratch). */
export function inputGradTables(geo: Conv2dGeometry, plan: InputGradPlan): TableSpec[] {
  const { n, c, h, w, outChannels: f, kh, kw, oh, ow } = geo;
  if (plan === 'col2im') {
    return [outputOrigins(n, f, oh * ow), tapOffsets(f, 1, 1, 1, 1, 1, oh * ow), consecutive(geo.positions)];
  }
  const [eh, ew] = extent(geo);
  const [hp, wp] = [oh + 2 * eh, ow + 2 * ew];
  return [
    windowOrigins(n, f, hp, wp, h, w, 1, 1, geo.padH, geo.padW),
    tapOffsets(f, kh, kw, geo.dilationH, geo.dilationW, hp, wp),
    outputOrigins(n, c, h * w),
  ];
}

/** Float counts of the plan's scratch regions: the staged weights and its work buffer. */
export function inputGradScratch(
  geo: Conv2dGeometry,
  plan: InputGradPlan,
): { weights: number; work: number } {
  const { n, c, outChannels: f, oh, ow, patchSize: taps } = geo;
  if (plan === 'col2im') return { weights: f * taps, work: taps * geo.positions };
  const [eh, ew] = extent(geo);
  return { weights: f * geo.kh * geo.kw * roundUp4(c), work: n * f * (oh + 2 * eh) * (ow + 2 * ew) };
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

/** First and one-past-last output index o with 0 <= o * stride - pad + k * dilation < size. */
function validOutputs(size: number, out: number, stride: number, pad: number, at: number): [number, number] {
  const first = Math.max(0, Math.ceil((pad - at) / stride));
  const last = Math.min(out, Math.floor((size - 1 + pad - at) / stride) + 1);
  return [first, last];
}

/** Adds the tap-major cols [taps, n, oh, ow] at `cols` into the image [n, c, h, w] at `dx` (both bytes). */
function col2imTaps(rt: Runtime, cols: number, dx: number, geo: Conv2dGeometry): void {
  const { n, c, h, w, kh, kw, oh, ow, strideH, strideW } = geo;
  const add = rt.kernels.addStrided;
  let tap = 0;
  for (let ch = 0; ch < c; ch++) {
    for (let ky = 0; ky < kh; ky++) {
      const [oy0, oy1] = validOutputs(h, oh, strideH, geo.padH, ky * geo.dilationH);
      for (let kx = 0; kx < kw; kx++, tap++) {
        const [ox0, ox1] = validOutputs(w, ow, strideW, geo.padW, kx * geo.dilationW);
        if (oy0 >= oy1 || ox0 >= ox1) continue;
        const iy = oy0 * strideH - geo.padH + ky * geo.dilationH;
        const ix = ox0 * strideW - geo.padW + kx * geo.dilationW;
        const src = cols + 4 * (tap * geo.positions + oy0 * ow + ox0);
        const dst = dx + 4 * ((ch * h + iy) * w + ix);
        add(
          src,
          dst,
          n,
          oy1 - oy0,
          ox1 - ox0,
          4 * oh * ow,
          4 * ow,
          4 * c * h * w,
          4 * strideH * w,
          4 * strideW,
        );
      }
    }
  }
}

/** Addresses (bytes) of the staged gradient [n, f, oh, ow], the plan's two regions and the dx region. */
export interface InputGradRegions {
  g: number;
  weights: number;
  work: number;
  dx: number;
}

/** Overwrites the dx region with the input gradient, given the plan's tables from inputGradTables. */
export function directInputGrad(
  rt: Runtime,
  plan: InputGradPlan,
  tables: readonly number[],
  at: InputGradRegions,
  w: Float32Array,
  geo: Conv2dGeometry,
  options: IgemmOptions,
): void {
  const { n, c, h, outChannels: f, kh, kw, oh, ow, positions, patchSize: taps } = geo;
  const [rows = 0, cols = 0, cbase = 0] = tables;
  const mem = rt.floats;
  const call = { rows, cols, cbase, bias: 0, flags: 0 };
  if (plan === 'col2im') {
    mem.set(w, at.weights >> 2);
    igemm(
      rt,
      {
        ...call,
        src: at.g,
        rowCount: positions,
        k: f,
        b: at.weights,
        ldb: 4 * taps,
        cOff: at.work,
        fStride: 4 * positions,
        channels: taps,
      },
      options,
    );
    mem.fill(0, at.dx >> 2, (at.dx >> 2) + n * c * h * geo.w);
    col2imTaps(rt, at.work, at.dx, geo);
    return;
  }
  const [eh, ew] = extent(geo);
  const cp = roundUp4(c);
  rt.kernels.padPlanes(at.g, at.work, n * f, oh, ow, eh, ew, oh + 2 * eh, ow + 2 * ew);
  stageRotated(mem, at.weights, w, geo, cp);
  igemm(
    rt,
    {
      ...call,
      src: at.work,
      rowCount: n * h * geo.w,
      k: f * kh * kw,
      b: at.weights,
      ldb: 4 * cp,
      cOff: at.dx,
      fStride: 4 * h * geo.w,
      channels: c,
    },
    options,
  );
}
