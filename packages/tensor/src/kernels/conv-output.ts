import type { Runtime } from '../runtime/index.js';
import type { Conv2dGeometry } from './conv-geometry.js';

// A convolution's output leaves the runtime's memory here: as computed, or through a fused 2x2 stride-2
// max-pool (the direct and Winograd paths) so that only the pooled quarter is copied out.

/** The pooled output's sizes: floor(oh / 2) x floor(ow / 2), as maxPool2d(2) of the conv output. */
export const pooledSize = (geo: Conv2dGeometry): { ph: number; pw: number } => ({
  ph: Math.floor(geo.oh / 2),
  pw: Math.floor(geo.ow / 2),
});

/** Whether the runtime's 2x2 kernel pools this output: even sizes (odd ones go the unfused way). */
export const poolsInRuntime = (geo: Conv2dGeometry): boolean => geo.oh % 2 === 0 && geo.ow % 2 === 0;

/** Scratch floats a pooled output needs (0 without pooling). */
export const pooledScratch = (planes: number, rows: number, cols: number, pool: boolean): number =>
  pool ? (planes * rows * cols) / 4 : 0;

/**
 * Copies `planes` output planes of oh x ow out of the runtime (at byte address `from`, planes of
 * `rows` x `cols` floats of which the top-left oh x ow are the output) into out; with `pool` first
 * max-pools each plane 2x2 at stride 2 into `pooled` (needs even rows, cols, oh and ow).
 */
export function copyOutput(
  rt: Runtime,
  out: Float32Array,
  from: number,
  shape: { planes: number; rows: number; cols: number; oh: number; ow: number },
  pool: { at: number } | null,
): void {
  let { rows, cols, oh, ow } = shape;
  let at = from;
  if (pool) {
    rt.kernels.maxPool2x2(from, pool.at, (shape.planes * rows) / 2, cols);
    [at, rows, cols, oh, ow] = [pool.at, rows / 2, cols / 2, oh / 2, ow / 2];
  }
  const mem = rt.floats;
  const base = at >> 2;
  if (rows === oh && cols === ow) {
    out.set(mem.subarray(base, base + out.length));
    return;
  }
  for (let plane = 0; plane < shape.planes; plane++) {
    for (let r = 0; r < oh; r++) {
      const src = base + (plane * rows + r) * cols;
      out.set(mem.subarray(src, src + ow), (plane * oh + r) * ow);
    }
  }
}
