import { allocateUnzeroed, dtypeOf, type Storage } from '../storage.js';
import type { ConvScratch } from './conv-scratch.js';
import type { ConvTranspose2dGeometry } from './conv-transpose-geometry.js';
import { type ConvGrads, type ConvOptions, conv2dBackward, conv2dForward } from './conv2d.js';
import { addChannelSums, fillChannels } from './layout.js';
import { requireLength, requireSameDType } from './validate.js';

// A transposed convolution is the data gradient of geo.conv, so each pass is a pass of that conv2d on its
// fastest path: forward = conv2d's input gradient, input gradient = conv2d forward, weight gradient =
// conv2d's weight gradient with the roles of image and output gradient swapped.

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
  options: ConvOptions = {},
): void {
  const { conv, n, inChannels, outChannels } = geo;
  const op = 'convTranspose2dForward';
  requireLength(op, 'x', x, n * inChannels * geo.h * geo.w);
  requireLength(op, 'w', w, inChannels * conv.patchSize);
  if (bias !== null) requireLength(op, 'bias', bias, outChannels);
  requireLength(op, 'out', out, n * outChannels * geo.oh * geo.ow);
  requireSameDType(op, { x, w, bias, out });
  fillChannels(bias, n, outChannels, geo.oh * geo.ow, out);
  // The conv's image is read only for its weight gradient: `out` stands in for it.
  conv2dBackward(x, out, w, conv, { dx: out }, scratch, options);
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
  options: ConvOptions = {},
): void {
  const { conv, n, inChannels, outChannels } = geo;
  const op = 'convTranspose2dBackward';
  const dx = grads.dx ?? null;
  const dw = grads.dw ?? null;
  const db = grads.db ?? null;
  requireLength(op, 'gradOut', gradOut, n * outChannels * geo.oh * geo.ow);
  requireLength(op, 'x', x, n * inChannels * geo.h * geo.w);
  requireLength(op, 'w', w, inChannels * conv.patchSize);
  if (dx !== null) requireLength(op, 'dx', dx, x.length);
  if (dw !== null) requireLength(op, 'dw', dw, w.length);
  if (db !== null) requireLength(op, 'db', db, outChannels);
  requireSameDType(op, { gradOut, x, w, dx, dw, db });
  if (db !== null) addChannelSums(gradOut, n, outChannels, geo.oh * geo.ow, db);
  if (dw !== null) conv2dBackward(x, gradOut, w, conv, { dw }, scratch, options);
  if (dx !== null) {
    const down = allocateUnzeroed(dtypeOf(x), x.length);
    conv2dForward(gradOut, w, null, conv, down, scratch, options);
    for (let i = 0; i < dx.length; i++) dx[i]! += down[i]!;
  }
}
