import { simdRuntime } from '../runtime/index.js';
import type { Storage } from '../storage.js';
import { requireLength } from './validate.js';

// ReLU and its gradient: WebAssembly SIMD for float32 arrays long enough to pay for the copies in and
// out of its memory, a plain loop otherwise.

/** Below this many elements the plain loop wins over the copies into WebAssembly memory. */
const SIMD_MIN = 2048;

const simdFor = (data: Storage) =>
  data instanceof Float32Array && data.length >= SIMD_MIN ? simdRuntime() : undefined;

/** out = x > 0 ? x : 0 (NaN gives 0). */
export function reluForward(x: Storage, out: Storage): void {
  requireLength('reluForward', 'out', out, x.length);
  const rt = simdFor(x);
  if (rt && out instanceof Float32Array) {
    const at = rt.scratch({ x: x.length, out: x.length });
    rt.floats.set(x, at.x >> 2);
    rt.kernels.relu(at.x, at.out, Math.ceil(x.length / 4));
    out.set(rt.floats.subarray(at.out >> 2, (at.out >> 2) + x.length));
    return;
  }
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : 0;
  }
}

/** dx = y > 0 ? g : 0, where y is the ReLU's input or output (both are positive at the same places). */
export function reluBackward(g: Storage, y: Storage, dx: Storage): void {
  requireLength('reluBackward', 'y', y, g.length);
  requireLength('reluBackward', 'dx', dx, g.length);
  const rt = simdFor(g);
  if (rt && y instanceof Float32Array && dx instanceof Float32Array) {
    const at = rt.scratch({ g: g.length, y: g.length, dx: g.length });
    rt.floats.set(g, at.g >> 2);
    rt.floats.set(y, at.y >> 2);
    rt.kernels.reluMask(at.g, at.y, at.dx, Math.ceil(g.length / 4));
    dx.set(rt.floats.subarray(at.dx >> 2, (at.dx >> 2) + g.length));
    return;
  }
  for (let i = 0; i < g.length; i++) dx[i] = y[i]! > 0 ? g[i]! : 0;
}
