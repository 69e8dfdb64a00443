import type { Runtime } from '../runtime/index.js';
import type { Conv2dGeometry } from './conv-geometry.js';
import { copyOutput, pooledScratch } from './conv-output.js';
import { consecutive, outputOrigins, tapOffsets, windowOrigins } from './conv-tables.js';
import {
  directInputGrad,
  type InputGradPlan,
  inputGradPlan,
  inputGradScratch,
  inputGradTables,
} from './direct-input-grad.js';
import { type IgemmOptions, igemm } from './simd/igemm.js';
import { FLAG_BIAS, FLAG_RELU } from './simd/igemm-module.js';
import { spatialConv } from './simd/spatial.js';

// Convolutions as indirect GEMMs in WebAssembly SIMD over a zero-padded copy of the image: no im2col
// matrix, no packing, the output written straight into NCHW. float32 only; conv2d.ts picks the path.

const roundUp4 = (v: number) => Math.ceil(v / 4) * 4;

export interface Padding {
  planes: number;
  h: number;
  w: number;
  top: number;
  left: number;
  hp: number;
  wp: number;
}

/** Copies NCHW `src` into the runtime at `padded`, zero-padded there via the `raw` staging region. */
export function stagePadded(rt: Runtime, raw: number, padded: number, src: Float32Array, p: Padding): void {
  if (p.hp === p.h && p.wp === p.w) {
    rt.floats.set(src, padded >> 2);
    return;
  }
  rt.floats.set(src, raw >> 2);
  rt.kernels.padPlanes(raw, padded, p.planes, p.h, p.w, p.top, p.left, p.hp, p.wp);
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

const inputPadding = (geo: Conv2dGeometry): Padding => ({
  planes: geo.n * geo.c,
  h: geo.h,
  w: geo.w,
  top: geo.padH,
  left: geo.padW,
  hp: geo.h + 2 * geo.padH,
  wp: geo.w + 2 * geo.padW,
});

/**
 * Where a stride-1 layer takes the spatial kernel (simd/spatial-module.ts): up to 6 output channels, which
 * the indirect GEMM pads to 8 and stores lane by lane; and up to 16 on rows of 64 or more, where a row's
 * last partial block wastes little. Forward with ReLU on bench/conv's shapes, both kernels alternating in one
 * process (1 and 2 threads, 2026-12-04): 6 channels on 28x28 took 0.76-0.84x the indirect GEMM's time, 16
 * on 128x128 0.82-0.95x, 16 on 10x10 rows 1.3-1.4x.
 */
export const SPATIAL_MAX_OUT_CHANNELS = 6;
export const SPATIAL_WIDE_ROWS = { channels: 16, width: 64 } as const;

/** Whether the forward pass takes the spatial kernel: `wanted` true or false forces it (where the shape allows). */
export const spatialChosen = (geo: Conv2dGeometry, wanted?: boolean): boolean =>
  geo.strideH === 1 &&
  geo.strideW === 1 &&
  geo.dilationH === 1 &&
  geo.dilationW === 1 &&
  (wanted ??
    (geo.outChannels <= SPATIAL_MAX_OUT_CHANNELS ||
      (geo.outChannels <= SPATIAL_WIDE_ROWS.channels && geo.ow >= SPATIAL_WIDE_ROWS.width)));

export interface DirectForwardOptions extends IgemmOptions {
  /** The spatial kernel for stride-1 layers: forced on or off; default by output channels. */
  spatial?: boolean;
}

/** What a forward pass applies to the conv's output: a ReLU, then a 2x2 stride-2 max-pool (even sizes). */
export interface Epilogue {
  relu: boolean;
  pool: boolean;
}

/** The forward pass's scratch regions in floats, as it asks the runtime for them. */
export function directForwardScratch(geo: Conv2dGeometry, pool: boolean) {
  const { n, c, outChannels: f, oh, ow, patchSize: taps } = geo;
  const { hp, wp } = inputPadding(geo);
  const fp = roundUp4(f);
  return {
    raw: n * c * geo.h * geo.w,
    x: n * c * hp * wp,
    w: taps * fp,
    bias: fp,
    out: n * f * oh * ow,
    pooled: pooledScratch(n * f, oh, ow, pool),
  };
}

/** The backward pass's scratch regions in floats for the gradients it computes and the input gradient's plan. */
export function directBackwardScratch(
  geo: Conv2dGeometry,
  computes: { dx: boolean; dw: boolean; relu: boolean },
  plan: InputGradPlan,
) {
  const { n, c, outChannels: f, oh, ow, positions, patchSize: taps } = geo;
  const pad = inputPadding(geo);
  const gradOut = n * f * oh * ow;
  const input = n * c * geo.h * geo.w;
  const inputGrad = computes.dx ? inputGradScratch(geo, plan) : { weights: 0, work: 0 };
  return {
    g: gradOut,
    y: computes.relu ? gradOut : 0,
    gT: positions * roundUp4(f),
    sums: 2 * f,
    raw: computes.dw ? input : 0,
    x: computes.dw ? n * c * pad.hp * pad.wp : 0,
    dw: computes.dw ? f * taps : 0,
    weights: inputGrad.weights,
    work: inputGrad.work,
    dx: computes.dx ? input : 0,
    prior: computes.dx ? input : 0,
  };
}

/** out = conv2d(x, w) + bias, then max(0, .) with `relu`, then pooled with `pool`; overwrites out. */
export function directConv2dForward(
  rt: Runtime,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  geo: Conv2dGeometry,
  out: Float32Array,
  { relu, pool }: Epilogue,
  options: DirectForwardOptions = {},
): void {
  const { n, c, outChannels: f, kh, kw, oh, ow, positions, patchSize: taps } = geo;
  const pad = inputPadding(geo);
  const { hp, wp } = pad;
  const fp = roundUp4(f);
  const spatial = spatialChosen(geo, options.spatial);
  const tapTable = tapOffsets(c, kh, kw, geo.dilationH, geo.dilationW, hp, wp);
  const [cols, rows, cbase] = (
    spatial
      ? rt.tables(tapTable)
      : rt.tables(
          tapTable,
          windowOrigins(n, c, hp, wp, oh, ow, geo.strideH, geo.strideW),
          outputOrigins(n, f, oh * ow),
        )
  ) as number[];
  const at = rt.scratch(directForwardScratch(geo, pool));
  stagePadded(rt, at.raw, at.x, x, pad);
  const mem = rt.floats;
  stageTransposed(mem, at.w, w, f, taps, fp);
  if (bias) {
    mem.set(bias, at.bias >> 2);
    mem.fill(0, (at.bias >> 2) + f, (at.bias >> 2) + fp);
  }
  const flags = (bias ? FLAG_BIAS : 0) | (relu ? FLAG_RELU : 0);
  if (spatial) {
    spatialConv(
      rt,
      {
        src: at.x,
        srcImage: 4 * c * hp * wp,
        wpb: 4 * wp,
        taps: cols!,
        k: taps,
        w: at.w,
        ldw: 4 * fp,
        bias: at.bias,
        flags,
        out: at.out,
        outImage: 4 * f * oh * ow,
        plane: 4 * oh * ow,
        n,
        channels: f,
        oh,
        ow,
      },
      options,
    );
  } else {
    igemm(
      rt,
      {
        src: at.x,
        rows: rows!,
        rowCount: positions,
        cols: cols!,
        k: taps,
        b: at.w,
        ldb: 4 * fp,
        cbase: cbase!,
        cOff: at.out,
        fStride: 4 * oh * ow,
        channels: f,
        bias: bias ? at.bias : 0,
        flags,
      },
      options,
    );
  }
  copyOutput(rt, out, at.out, { planes: n * f, rows: oh, cols: ow, oh, ow }, pool ? { at: at.pooled } : null);
}

export interface DirectBackwardOptions extends IgemmOptions {
  /** Forces how dx is computed (see direct-input-grad.ts); default the cheaper plan. */
  inputGrad?: InputGradPlan;
}

export interface DirectGrads {
  dx: Float32Array | null;
  dw: Float32Array | null;
  db: Float32Array | null;
  /** Receives the gradient after the ReLU mask, for a dx the caller computes another way. */
  masked: Float32Array | null;
}

/**
 * Gradients of directConv2dForward ADDED into the requested buffers. With `reluOutput` the gradient
 * is first masked where that saved output is 0 (the fused ReLU). One pass in the runtime masks it, sums
 * it per channel (db) and lays it out position-major; then dw += sum over positions of
 * gradOut[p, f] * patch(x)[p, tap] (taps are the rows, positions the sum), and dx by the cheaper plan of
 * direct-input-grad.ts.
 */
export function directConv2dBackward(
  rt: Runtime,
  gradOut: Float32Array,
  x: Float32Array,
  w: Float32Array,
  geo: Conv2dGeometry,
  grads: DirectGrads,
  reluOutput: Float32Array | null,
  options: DirectBackwardOptions = {},
): void {
  const { n, c, outChannels: f, kh, kw, oh, ow, positions, patchSize: taps } = geo;
  const { dx, dw, db, masked } = grads;
  const pad = inputPadding(geo);
  const fp = roundUp4(f);
  const plan = dx ? inputGradPlan(geo, options.inputGrad) : 'correlate';
  // Every table before the scratch: a table added later would land where the scratch starts.
  const weightTables = dw
    ? [
        tapOffsets(c, kh, kw, geo.dilationH, geo.dilationW, pad.hp, pad.wp),
        windowOrigins(n, c, pad.hp, pad.wp, oh, ow, geo.strideH, geo.strideW),
        consecutive(taps),
      ]
    : [];
  const tables = rt.tables(...weightTables, ...(dx ? inputGradTables(geo, plan) : []));
  const [wRows = 0, wCols = 0, wBase = 0] = dw ? tables : [];
  const at = rt.scratch(
    directBackwardScratch(geo, { dx: dx !== null, dw: dw !== null, relu: reluOutput !== null }, plan),
  );
  const mem = rt.floats;
  mem.set(gradOut, at.g >> 2);
  if (reluOutput) mem.set(reluOutput, at.y >> 2);
  mem.fill(0, at.sums >> 2, (at.sums >> 2) + 2 * f);
  rt.kernels.gradRows(at.g, at.y, reluOutput ? 1 : 0, n, f, oh * ow, fp, at.gT, at.sums);
  if (masked) masked.set(mem.subarray(at.g >> 2, (at.g >> 2) + gradOut.length));
  if (db) {
    const sums = new Float64Array(mem.buffer, at.sums, f);
    for (let i = 0; i < f; i++) db[i]! += sums[i]!;
  }
  if (dw) {
    stagePadded(rt, at.raw, at.x, x, pad);
    igemm(
      rt,
      {
        src: at.x,
        rows: wRows,
        rowCount: taps,
        cols: wCols,
        k: positions,
        b: at.gT,
        ldb: 4 * fp,
        cbase: wBase,
        cOff: at.dw,
        fStride: 4 * taps,
        channels: f,
        bias: 0,
        flags: 0,
      },
      options,
    );
    const o = at.dw >> 2;
    for (let i = 0; i < dw.length; i++) dw[i]! += mem[o + i]!;
  }
  if (dx) {
    directInputGrad(rt, plan, tables.slice(weightTables.length), at, w, geo, options);
    mem.set(dx, at.prior >> 2);
    rt.kernels.addStrided(at.prior, at.dx, 1, 1, dx.length, 0, 0, 0, 0, 4);
    dx.set(mem.subarray(at.dx >> 2, (at.dx >> 2) + dx.length));
  }
}
