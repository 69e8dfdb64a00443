import { gemm } from '../gemm/index.js';
import { type Runtime, simdRuntime } from '../runtime/index.js';
import { allocateUnzeroed, dtypeOf, recycle, type Storage } from '../storage.js';
import type { Conv2dGeometry } from './conv-geometry.js';
import { pooledSize, poolsInRuntime } from './conv-output.js';
import { backwardFloats, batchPart, forwardFloats, imagesPerPass, inPasses } from './conv-passes.js';
import { type ConvScratch, scratchViews } from './conv-scratch.js';
import { type DirectForwardOptions, directConv2dBackward, directConv2dForward } from './direct-conv2d.js';
import { col2im, im2col } from './im2col.js';
import { addChannelSums, matrix, nchwToPositionMajor, positionMajorToNchw } from './layout.js';
import { maxPool2dForward } from './max-pool2d.js';
import { pool2dGeometry } from './pool-geometry.js';
import { reluBackward } from './relu.js';
import type { IgemmOptions } from './simd/igemm.js';
import { requireLength, requireSameDType } from './validate.js';
import { winogradChosen, winogradConv2dForward } from './winograd-conv2d.js';
import { type ConvInputGrad, winogradInputGrad, winogradInputGradChosen } from './winograd-input-grad.js';
import { type ConvWeightGrad, winogradWeightGrad, winogradWeightGradChosen } from './winograd-weight-grad.js';

/** Gradient buffers for a backward pass; null (or absent) means that gradient is not needed. */
export interface ConvGrads {
  dx?: Storage | null;
  dw?: Storage | null;
  db?: Storage | null;
}

/**
 * 'direct': indirect GEMM in WebAssembly SIMD over a padded copy of the image (float32 only);
 * 'im2col': the patch matrix times the weights through the GEMM. Default: direct wherever it runs.
 */
export type ConvPath = 'direct' | 'im2col';

/** Which path, and for the direct path how many threads share its products (see simd/igemm.ts). */
export interface ConvOptions extends IgemmOptions {
  path?: ConvPath;
  /**
   * The direct path's WebAssembly scratch one pass may take (CONV_PASS_BYTES unless given): a batch that
   * needs more runs in passes of fewer images.
   */
  passBytes?: number;
}

export interface Conv2dForwardOptions extends ConvOptions, DirectForwardOptions {
  /** Apply max(0, .) to the output (a fused ReLU). */
  relu?: boolean;
  /** The direct path's Winograd F(2x2, 3x3) for 3x3 stride-1 layers: forced on or off; default by channels. */
  winograd?: boolean;
  /**
   * Max-pool the (activated) output 2x2 at stride 2, as maxPool2d(2) after it: out is [n, f, oh / 2, ow / 2]
   * (floored). Forward only: no backward pass takes a pooled output.
   */
  pool?: boolean;
}

function directRuntime(op: string, data: Storage, options: ConvOptions): Runtime | undefined {
  if (options.path === 'im2col') return undefined;
  const rt = data instanceof Float32Array ? simdRuntime() : undefined;
  if (options.path === 'direct' && !rt) {
    throw new Error(`${op}: the direct path needs float32 data and WebAssembly SIMD`);
  }
  return rt;
}

/**
 * out[b, f, oy, ox] = bias[f] + sum over (c, ky, kx) of w[f, c, ky, kx] * x[b, c, oy*sh - ph + ky*dh, ...],
 * then max(0, .) with `relu`, then max-pooled 2x2 with `pool`. Overwrites out. The im2col path uses
 * `scratch`, the direct path its own.
 */
export function conv2dForward(
  x: Storage,
  w: Storage,
  bias: Storage | null,
  geo: Conv2dGeometry,
  out: Storage,
  scratch?: ConvScratch,
  options: Conv2dForwardOptions = {},
): void {
  const { n, c, h, outChannels: f, positions: m, patchSize: k } = geo;
  requireLength('conv2dForward', 'x', x, n * c * h * geo.w);
  requireLength('conv2dForward', 'w', w, f * k);
  if (bias !== null) requireLength('conv2dForward', 'bias', bias, f);
  const pool = options.pool ?? false;
  const { ph, pw } = pooledSize(geo);
  requireLength('conv2dForward', 'out', out, pool ? n * f * ph * pw : m * f);
  requireSameDType('conv2dForward', { x, w, bias, out });
  const views = scratch === undefined ? undefined : scratchViews('conv2dForward', geo, x, scratch);
  const relu = options.relu ?? false;
  const rt = directRuntime('conv2dForward', x, options);
  if (pool && (!rt || !poolsInRuntime(geo))) {
    poolAfter(x, w, bias, geo, out, scratch, options);
    return;
  }
  const epilogue = { relu, pool };
  const winograd = rt !== undefined && winogradChosen(geo, options.winograd);
  if (rt) {
    const perPass = imagesPerPass(geo, forwardFloats(winograd, pool), options.passBytes);
    if (perPass < n) {
      const [inPlane, outPlane] = [c * h * geo.w, pool ? f * ph * pw : f * geo.oh * geo.ow];
      inPasses(geo, perPass, (part, first) => {
        const images = (data: Storage, plane: number) => batchPart(data, first, part.n, plane);
        conv2dForward(images(x, inPlane), w, bias, part, images(out, outPlane), undefined, options);
      });
      return;
    }
  }
  if (rt && winograd) {
    winogradConv2dForward(
      rt,
      x as Float32Array,
      w as Float32Array,
      bias as Float32Array | null,
      geo,
      out as Float32Array,
      epilogue,
      options,
    );
    return;
  }
  if (rt) {
    directConv2dForward(
      rt,
      x as Float32Array,
      w as Float32Array,
      bias as Float32Array | null,
      geo,
      out as Float32Array,
      epilogue,
      options,
    );
    return;
  }
  const { cols, product } = views ?? scratchViews('conv2dForward', geo, x, undefined);
  im2col(x, geo, cols);
  gemm(false, true, m, f, k, 1, matrix(cols, k), matrix(w, k), 0, matrix(product, f));
  positionMajorToNchw(product, n, f, geo.oh * geo.ow, bias, out);
  if (relu) for (let i = 0; i < out.length; i++) out[i] = out[i]! > 0 ? out[i]! : 0;
}

/** The pooled forward where the runtime cannot pool: the whole output, then maxPool2d(2) of it. */
function poolAfter(
  x: Storage,
  w: Storage,
  bias: Storage | null,
  geo: Conv2dGeometry,
  out: Storage,
  scratch: ConvScratch | undefined,
  options: Conv2dForwardOptions,
): void {
  const full = allocateUnzeroed(dtypeOf(x), geo.outChannels * geo.positions);
  conv2dForward(x, w, bias, geo, full, scratch, { ...options, pool: false });
  const poolGeo = pool2dGeometry({ n: geo.n, c: geo.outChannels, h: geo.oh, w: geo.ow, kh: 2, kw: 2 });
  maxPool2dForward(full, poolGeo, out, new Int32Array(out.length));
  recycle(full);
}

export interface Conv2dBackwardOptions extends ConvOptions {
  /** The direct path's input gradient: 'correlate' (stride 1), 'col2im' or 'winograd' (3x3 stride 1). */
  inputGrad?: ConvInputGrad;
  /** The direct path's weight gradient: 'direct' or 'winograd' (3x3 stride 1); default by channels. */
  weightGrad?: ConvWeightGrad;
  /** gradOut is the gradient of relu(conv): masked first where this saved output is not positive. */
  reluOutput?: Storage | null;
}

/**
 * Gradients of conv2dForward given gradOut [n, outChannels, oh, ow], ADDED into the requested
 * buffers (caller zeroes): dw += gradOut^T cols, dx += col2im(gradOut w), db += sums of gradOut.
 */
export function conv2dBackward(
  gradOut: Storage,
  x: Storage,
  w: Storage,
  geo: Conv2dGeometry,
  grads: ConvGrads,
  scratch?: ConvScratch,
  options: Conv2dBackwardOptions = {},
): void {
  const { n, c, h, outChannels: f, positions: m, patchSize: k } = geo;
  const dx = grads.dx ?? null;
  const dw = grads.dw ?? null;
  const db = grads.db ?? null;
  const reluOutput = options.reluOutput ?? null;
  const p = geo.oh * geo.ow;
  requireLength('conv2dBackward', 'gradOut', gradOut, m * f);
  requireLength('conv2dBackward', 'x', x, n * c * h * geo.w);
  requireLength('conv2dBackward', 'w', w, f * k);
  if (dx !== null) requireLength('conv2dBackward', 'dx', dx, x.length);
  if (dw !== null) requireLength('conv2dBackward', 'dw', dw, w.length);
  if (db !== null) requireLength('conv2dBackward', 'db', db, f);
  if (reluOutput !== null) requireLength('conv2dBackward', 'reluOutput', reluOutput, gradOut.length);
  requireSameDType('conv2dBackward', { gradOut, x, w, dx, dw, db, reluOutput });
  const views = scratch === undefined ? undefined : scratchViews('conv2dBackward', geo, x, scratch);
  const rt = directRuntime('conv2dBackward', x, options);
  if (rt) {
    const winogradDx = dx !== null && winogradInputGradChosen(geo, options.inputGrad);
    const winogradDw = dw !== null && winogradWeightGradChosen(geo, options.weightGrad);
    const inputGrad = options.inputGrad === 'winograd' ? undefined : options.inputGrad;
    const plan = {
      dx: dx !== null,
      dw: dw !== null,
      relu: reluOutput !== null,
      winogradDx,
      winogradDw,
      inputGrad,
    };
    const perPass = imagesPerPass(geo, backwardFloats(plan), options.passBytes);
    if (perPass < n) {
      const [inPlane, outPlane] = [c * h * geo.w, f * p];
      inPasses(geo, perPass, (part, first) => {
        const images = <S extends Storage | null>(data: S, plane: number) =>
          batchPart(data, first, part.n, plane);
        const partGrads = { dx: images(dx, inPlane), dw, db };
        conv2dBackward(images(gradOut, outPlane), images(x, inPlane), w, part, partGrads, undefined, {
          ...options,
          reluOutput: images(reluOutput, outPlane),
        });
      });
      return;
    }
    const masked = (winogradDx || winogradDw) && reluOutput ? new Float32Array(gradOut.length) : null;
    const grads32 = {
      dx: winogradDx ? null : (dx as Float32Array | null),
      dw: winogradDw ? null : (dw as Float32Array | null),
      db: db as Float32Array | null,
      masked,
    };
    directConv2dBackward(
      rt,
      gradOut as Float32Array,
      x as Float32Array,
      w as Float32Array,
      geo,
      grads32,
      reluOutput as Float32Array | null,
      { ...options, inputGrad },
    );
    const g = (masked ?? gradOut) as Float32Array;
    if (winogradDx) winogradInputGrad(rt, g, w as Float32Array, geo, dx as Float32Array, options);
    if (winogradDw) winogradWeightGrad(rt, g, x as Float32Array, geo, dw as Float32Array, options);
    return;
  }
  let g = gradOut;
  if (reluOutput) {
    g = gradOut instanceof Float64Array ? new Float64Array(g.length) : new Float32Array(g.length);
    reluBackward(gradOut, reluOutput, g);
  }
  if (db !== null) addChannelSums(g, n, f, p, db);
  if (dw === null && dx === null) return;
  const { cols, product: gradRows } = views ?? scratchViews('conv2dBackward', geo, x, undefined);
  nchwToPositionMajor(g, n, f, p, gradRows);
  if (dw !== null) {
    im2col(x, geo, cols);
    gemm(true, false, f, k, m, 1, matrix(gradRows, f), matrix(cols, k), 1, matrix(dw, k));
  }
  if (dx !== null) {
    gemm(false, false, m, k, f, 1, matrix(gradRows, f), matrix(w, k), 0, matrix(cols, k));
    col2im(cols, geo, dx);
  }
}
