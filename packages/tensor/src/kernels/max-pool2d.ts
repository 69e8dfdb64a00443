import type { Storage } from '../storage.js';
import { type Pool2dGeometry, poolWindows } from './pool-geometry.js';
import { requireLength } from './validate.js';

/**
 * out[b, c, oy, ox] = max of x over the window; argmax receives the flat index into x of the
 * winner, the first in row-major order on ties and NaN if any (as torch). Padding never wins.
 */
export function maxPool2dForward(x: Storage, geo: Pool2dGeometry, out: Storage, argmax: Int32Array): void {
  const { n, c, h, w, oh, ow } = geo;
  requireLength('maxPool2dForward', 'x', x, n * c * h * w);
  requireLength('maxPool2dForward', 'out', out, n * c * oh * ow);
  requireLength('maxPool2dForward', 'argmax', argmax, n * c * oh * ow);
  const { rows, cols } = poolWindows(geo);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = rows.start[oy]!;
      const y1 = rows.end[oy]!;
      for (let ox = 0; ox < ow; ox++, o++) {
        const x0 = cols.start[ox]!;
        const x1 = cols.end[ox]!;
        let best = base + y0 * w + x0;
        let bestValue = x[best]!;
        for (let y = y0; y < y1; y++) {
          const row = base + y * w;
          for (let i = row + x0; i < row + x1; i++) {
            const v = x[i]!;
            if (v > bestValue || Number.isNaN(v)) {
              bestValue = v;
              best = i;
            }
          }
        }
        out[o] = bestValue;
        argmax[o] = best;
      }
    }
  }
}

/** Routes each output gradient to the input that won its window: dx[argmax[i]] += gradOut[i] (caller zeroes). */
export function maxPool2dBackward(gradOut: Storage, argmax: Int32Array, dx: Storage): void {
  requireLength('maxPool2dBackward', 'argmax', argmax, gradOut.length);
  for (let i = 0; i < gradOut.length; i++) dx[argmax[i]!]! += gradOut[i]!;
}
