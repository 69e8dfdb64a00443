import { type Pool2dGeometry, pool2dGeometry } from '../kernels/pool-geometry.js';
import type { Tensor } from '../tensor.js';
import { requireRank } from './conv-inputs.js';

export interface Pool2dAttrs {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
}

export function poolGeometry(
  op: string,
  x: Tensor,
  { kernel, stride, padding }: Pool2dAttrs,
): Pool2dGeometry {
  requireRank(op, 'input', x, 4);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return pool2dGeometry({ n, c, h, w, kh: kernel[0], kw: kernel[1], stride, padding });
}
