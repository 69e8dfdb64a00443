import { gemm } from '../gemm/index.js';
import type { Storage } from '../storage.js';
import type { ConvScratch } from './conv-scratch.js';
import { scratchViews } from './conv-scratch.js';
import type { ConvTranspose2dGeometry } from './conv-transpose-geometry.js';
import type { ConvGrads } from './conv2d.js';
import { col2im, im2col } from './im2col.js';
import {
  addChannelSums,
  addPositionMajorToNchw,
  fillChannels,
  matrix,
  nchwToPositionMajor,
} from './layout.js';
import { requireLength, requireSameDType } from './validate.js';

/**
 * torch's conv_transpose2d: each input pixel x[b, i, y, x] scatters x * w[i, o, ky, kx] to output
 * (y*sh - ph + ky*dh, x*sw - pw + kx*dw) — the data gradient of geo.conv — plus bias[o]. Overwrites out.
 * Scratch comes from convScratch(geo.conv, dtype).
 */
export function convTranspose2dForward(
  x: Storage,
  w: Storage,
  bias: Storage | null,
  geo: ConvTranspose2dGeometry,
  out: Storage,
  scratch?: ConvScratch,
): void {
  const { conv, n, inChannels, outChannels } = geo;
  const op = 'convTranspose2dForward';
  const p = geo.oh * geo.ow;
  requireLength(op, 'x', x, n * inChannels * geo.h * geo.w);
  requireLength(op, 'w', w, inChannels * conv.patchSize);
  if (bias !== null) requireLength(op, 'bias', bias, outChannels);
  requireLength(op, 'out', out, n * outChannels * p);
  requireSameDType(op, { x, w, bias, out });
  const { cols, product: inputRows } = scratchViews(op, conv, x, scratch);
  nchwToPositionMajor(x, n, inChannels, geo.h * geo.w, inputRows);
  gemm(
    false,
    false,
    conv.positions,
    conv.patchSize,
    inChannels,
    1,
    matrix(inputRows, inChannels),
    matrix(w, conv.patchSize),
    0,
    matrix(cols, conv.patchSize),
  );
  fillChannels(bias, n, outChannels, p, out);
  col2im(cols, conv, out);
}

/**
 * Gradients of convTranspose2dForward, ADDED into the requested buffers (caller zeroes):
 * dx is conv2d of gradOut with w, dw the conv2d weight gradient with the roles of x and gradOut swapped.
 */
export function convTranspose2dBackward(
  gradOut: Storage,
  x: Storage,
  w: Storage,
  geo: ConvTranspose2dGeometry,
  grads: ConvGrads,
  scratch?: ConvScratch,
): void {
  const { conv, n, inChannels, outChannels } = geo;
  const op = 'convTranspose2dBackward';
  const dx = grads.dx ?? null;
  const dw = grads.dw ?? null;
  const db = grads.db ?? null;
  const k = conv.patchSize;
  requireLength(op, 'gradOut', gradOut, n * outChannels * geo.oh * geo.ow);
  requireLength(op, 'x', x, n * inChannels * geo.h * geo.w);
  requireLength(op, 'w', w, inChannels * k);
  if (dx !== null) requireLength(op, 'dx', dx, x.length);
  if (dw !== null) requireLength(op, 'dw', dw, w.length);
  if (db !== null) requireLength(op, 'db', db, outChannels);
  requireSameDType(op, { gradOut, x, w, dx, dw, db });
  if (db !== null) addChannelSums(gradOut, n, outChannels, geo.oh * geo.ow, db);
  if (dx === null && dw === null) return;
  const { cols, product } = scratchViews(op, conv, x, scratch);
  im2col(gradOut, conv, cols);
  if (dw !== null) {
    nchwToPositionMajor(x, n, inChannels, geo.h * geo.w, product);
    gemm(
      true,
      false,
      inChannels,
      k,
      conv.positions,
      1,
      matrix(product, inChannels),
      matrix(cols, k),
      1,
      matrix(dw, k),
    );
  }
  if (dx !== null) {
    gemm(
      false,
      true,
      conv.positions,
      inChannels,
      k,
      1,
      matrix(cols, k),
      matrix(w, k),
      0,
      matrix(product, inChannels),
    );
    addPositionMajorToNchw(product, n, inChannels, geo.h * geo.w, dx);
  }
}
