import { gemm } from '../gemm/index.js';
import type { Storage } from '../storage.js';
import type { Conv2dGeometry } from './conv-geometry.js';
import { type ConvScratch, scratchViews } from './conv-scratch.js';
import { col2im, im2col } from './im2col.js';
import { addChannelSums, matrix, nchwToPositionMajor, positionMajorToNchw } from './layout.js';
import { requireLength, requireSameDType } from './validate.js';

/** Gradient buffers for a backward pass; null (or absent) means that gradient is not needed. */
export interface ConvGrads {
  dx?: Storage | null;
  dw?: Storage | null;
  db?: Storage | null;
}

/**
 * out[b, f, oy, ox] = bias[f] + sum over (c, ky, kx) of w[f, c, ky, kx] * x[b, c, oy*sh - ph + ky*dh, ...],
 * computed as im2col(x) [positions, patchSize] times w^T [patchSize, outChannels]. Overwrites out.
 */
export function conv2dForward(
  x: Storage,
  w: Storage,
  bias: Storage | null,
  geo: Conv2dGeometry,
  out: Storage,
  scratch?: ConvScratch,
): void {
  const { n, c, h, outChannels: f, positions: m, patchSize: k } = geo;
  requireLength('conv2dForward', 'x', x, n * c * h * geo.w);
  requireLength('conv2dForward', 'w', w, f * k);
  if (bias !== null) requireLength('conv2dForward', 'bias', bias, f);
  requireLength('conv2dForward', 'out', out, m * f);
  requireSameDType('conv2dForward', { x, w, bias, out });
  const { cols, product } = scratchViews('conv2dForward', geo, x, scratch);
  im2col(x, geo, cols);
  gemm(false, true, m, f, k, 1, matrix(cols, k), matrix(w, k), 0, matrix(product, f));
  positionMajorToNchw(product, n, f, geo.oh * geo.ow, bias, out);
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
): void {
  const { n, c, h, outChannels: f, positions: m, patchSize: k } = geo;
  const dx = grads.dx ?? null;
  const dw = grads.dw ?? null;
  const db = grads.db ?? null;
  const p = geo.oh * geo.ow;
  requireLength('conv2dBackward', 'gradOut', gradOut, m * f);
  requireLength('conv2dBackward', 'x', x, n * c * h * geo.w);
  requireLength('conv2dBackward', 'w', w, f * k);
  if (dx !== null) requireLength('conv2dBackward', 'dx', dx, x.length);
  if (dw !== null) requireLength('conv2dBackward', 'dw', dw, w.length);
  if (db !== null) requireLength('conv2dBackward', 'db', db, f);
  requireSameDType('conv2dBackward', { gradOut, x, w, dx, dw, db });
  if (db !== null) addChannelSums(gradOut, n, f, p, db);
  if (dx === null && dw === null) return;
  const { cols, product: gradRows } = scratchViews('conv2dBackward', geo, x, scratch);
  nchwToPositionMajor(gradOut, n, f, p, gradRows);
  if (dw !== null) {
    im2col(x, geo, cols);
    gemm(true, false, f, k, m, 1, matrix(gradRows, f), matrix(cols, k), 1, matrix(dw, k));
  }
  if (dx !== null) {
    gemm(false, false, m, k, f, 1, matrix(gradRows, f), matrix(w, k), 0, matrix(cols, k));
    col2im(cols, geo, dx);
  }
}
