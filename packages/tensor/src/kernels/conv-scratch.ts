import { allocate, type DType, dtypeOf, type Storage } from '../storage.js';
import type { Conv2dGeometry } from './conv-geometry.js';
import { requireCapacity } from './validate.js';

/**
 * Reusable work buffers for conv2d and conv-transpose: `cols` holds the im2col matrix
 * [positions, patchSize], `product` a position-major [positions, outChannels] GEMM result.
 * Allocate once per layer shape with convScratch and pass it to every step.
 */
export interface ConvScratch {
  cols: Storage;
  product: Storage;
}

export function convScratch(geo: Conv2dGeometry, dtype: DType): ConvScratch {
  return {
    cols: allocate(dtype, geo.positions * geo.patchSize),
    product: allocate(dtype, geo.positions * geo.outChannels),
  };
}

/** Exact-size views of the caller's scratch (checked for capacity and dtype), or fresh buffers. */
export function scratchViews(
  op: string,
  geo: Conv2dGeometry,
  like: Storage,
  scratch: ConvScratch | undefined,
): ConvScratch {
  const dtype = dtypeOf(like);
  if (scratch === undefined) return convScratch(geo, dtype);
  const colsLength = geo.positions * geo.patchSize;
  const productLength = geo.positions * geo.outChannels;
  requireCapacity(op, 'cols', scratch.cols, colsLength);
  requireCapacity(op, 'product', scratch.product, productLength);
  if (dtypeOf(scratch.cols) !== dtype || dtypeOf(scratch.product) !== dtype) {
    throw new TypeError(`${op}: scratch buffers must be ${dtype} like the input`);
  }
  return {
    cols: scratch.cols.subarray(0, colsLength),
    product: scratch.product.subarray(0, productLength),
  };
}
