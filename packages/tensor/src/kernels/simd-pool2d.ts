import { simdRuntime } from '../runtime/index.js';
import type { Pool2dGeometry } from './pool-geometry.js';
import { requireLength } from './validate.js';

// 2x2 max pooling at stride 2 in WebAssembly SIMD, for float32 planes of even size. The backward pass
// finds each window's winner again from x, so the forward keeps no argmax.

/** Whether the SIMD kernels take this pooling: 2x2, stride 2, no padding, even sizes, float32. */
export function maxPool2x2Fits(geo: Pool2dGeometry, x: ArrayLike<number>): boolean {
  const { h, w, kh, kw, strideH, strideW, padH, padW } = geo;
  const shape = kh === 2 && kw === 2 && strideH === 2 && strideW === 2 && padH === 0 && padW === 0;
  return shape && h % 2 === 0 && w % 2 === 0 && x instanceof Float32Array && simdRuntime() !== undefined;
}

function runtime(op: string, geo: Pool2dGeometry, x: ArrayLike<number>) {
  const rt = simdRuntime();
  if (!rt || !maxPool2x2Fits(geo, x))
    throw new Error(`${op}: needs maxPool2x2Fits (2x2, stride 2, even, float32)`);
  return rt;
}

/** out = max over each 2x2 window (NaN wins). Overwrites out. */
export function maxPool2x2Forward(x: Float32Array, geo: Pool2dGeometry, out: Float32Array): void {
  const rt = runtime('maxPool2x2Forward', geo, x);
  const { n, c, h, w, oh, ow } = geo;
  requireLength('maxPool2x2Forward', 'x', x, n * c * h * w);
  requireLength('maxPool2x2Forward', 'out', out, n * c * oh * ow);
  const at = rt.scratch({ x: x.length, out: out.length });
  rt.floats.set(x, at.x >> 2);
  rt.kernels.maxPool2x2(at.x, at.out, n * c * oh, w);
  out.set(rt.floats.subarray(at.out >> 2, (at.out >> 2) + out.length));
}

/**
 * dx = gradOut routed to each window's winner (the first maximum in row-major order, the last NaN when
 * there is one, as maxPool2dForward's argmax), zeros elsewhere. Overwrites dx.
 */
export function maxPool2x2Backward(
  gradOut: Float32Array,
  x: Float32Array,
  geo: Pool2dGeometry,
  dx: Float32Array,
): void {
  const rt = runtime('maxPool2x2Backward', geo, x);
  const { n, c, h, w, oh, ow } = geo;
  requireLength('maxPool2x2Backward', 'x', x, n * c * h * w);
  requireLength('maxPool2x2Backward', 'gradOut', gradOut, n * c * oh * ow);
  requireLength('maxPool2x2Backward', 'dx', dx, x.length);
  const at = rt.scratch({ x: x.length, g: gradOut.length, dx: dx.length });
  rt.floats.set(x, at.x >> 2);
  rt.floats.set(gradOut, at.g >> 2);
  rt.kernels.maxPool2x2Backward(at.x, at.g, at.dx, n * c * oh, w);
  dx.set(rt.floats.subarray(at.dx >> 2, (at.dx >> 2) + dx.length));
}
