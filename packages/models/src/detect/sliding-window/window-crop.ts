import type { ImageSet } from '@ocellus/vision/datasets';
import { resamplePlane } from '@ocellus/vision/image';
import type { Window } from './framing.js';

/**
 * Image `index` of `set` inside the integer window, zero outside the image, resampled to `size x size`
 * as the pyramid resamples whole images (area average when shrinking), written at `out[at..]` (CHW).
 */
export function cropWindow(
  set: ImageSet,
  index: number,
  window: Window,
  size: number,
  out: Float32Array,
  at: number,
): void {
  const { channels, height, width } = set;
  const { x, y, side } = window;
  const region = new Float32Array(side * side);
  for (let c = 0; c < channels; c++) {
    region.fill(0);
    const plane = (index * channels + c) * height * width;
    for (let r = Math.max(0, -y); r < side && y + r < height; r++) {
      const from = Math.max(0, -x);
      const to = Math.min(side, width - x);
      if (to <= from) continue;
      const row = plane + (y + r) * width + x;
      region.set(set.images.subarray(row + from, row + to), r * side + from);
    }
    out.set(side === size ? region : resamplePlane(region, side, side, size, size), at + c * size * size);
  }
}
