import type { Storage } from '../storage.js';
import { type Pool2dGeometry, poolWindows } from './pool-geometry.js';
import { requireLength } from './validate.js';

// torch's default count_include_pad = true: padded taps count as zeros, so every window divides by kh * kw.

/** out[b, c, oy, ox] = (sum of x over the window) / (kh * kw). Overwrites out. */
export function avgPool2dForward(x: Storage, geo: Pool2dGeometry, out: Storage): void {
  const { n, c, h, w, kh, kw, oh, ow } = geo;
  requireLength('avgPool2dForward', 'x', x, n * c * h * w);
  requireLength('avgPool2dForward', 'out', out, n * c * oh * ow);
  const { rows, cols } = poolWindows(geo);
  const scale = 1 / (kh * kw);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = rows.start[oy]!;
      const y1 = rows.end[oy]!;
      for (let ox = 0; ox < ow; ox++, o++) {
        const x0 = cols.start[ox]!;
        const x1 = cols.end[ox]!;
        let acc = 0;
        for (let y = y0; y < y1; y++) {
          const row = base + y * w;
          for (let i = row + x0; i < row + x1; i++) acc += x[i]!;
        }
        out[o] = acc * scale;
      }
    }
  }
}

/** Spreads each output gradient evenly over its window: dx += gradOut / (kh * kw) (caller zeroes). */
export function avgPool2dBackward(gradOut: Storage, geo: Pool2dGeometry, dx: Storage): void {
  const { n, c, h, w, kh, kw, oh, ow } = geo;
  requireLength('avgPool2dBackward', 'gradOut', gradOut, n * c * oh * ow);
  requireLength('avgPool2dBackward', 'dx', dx, n * c * h * w);
  const { rows, cols } = poolWindows(geo);
  const scale = 1 / (kh * kw);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = rows.start[oy]!;
      const y1 = rows.end[oy]!;
      for (let ox = 0; ox < ow; ox++, o++) {
        const x0 = cols.start[ox]!;
        const x1 = cols.end[ox]!;
        const g = gradOut[o]! * scale;
        for (let y = y0; y < y1; y++) {
          const row = base + y * w;
          for (let i = row + x0; i < row + x1; i++) dx[i]! += g;
        }
      }
    }
  }
}
