import { countsToString, type Rle } from '@ocellus/vision/rle';
import type { MaskOutput } from '../model-port.js';

/** First output row sampling source row `r` under nearest-neighbour scaling of `from` rows to `to` rows. */
const boundary = (r: number, from: number, to: number) =>
  Math.min(to, Math.max(0, Math.ceil((r * to) / from - 0.5)));

/**
 * COCO RLE of `mask > threshold` scaled (nearest neighbour) to `height x width`, built run by run from
 * the mask's own columns, so an upload of millions of pixels costs its width times the mask height.
 */
export function scaledMaskRle(mask: MaskOutput, threshold: number, height: number, width: number): Rle {
  const { height: mh, width: mw, data } = mask;
  const rowStart = Array.from({ length: mh + 1 }, (_, r) => boundary(r, mh, height));
  const counts: number[] = [];
  let previous = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    const mx = Math.min(mw - 1, Math.floor(((x + 0.5) * mw) / width));
    for (let my = 0; my < mh; my++) {
      const rows = rowStart[my + 1]! - rowStart[my]!;
      if (rows === 0) continue;
      const value = data[my * mw + mx]! > threshold ? 1 : 0;
      if (value !== previous) {
        counts.push(run);
        run = 0;
        previous = value;
      }
      run += rows;
    }
  }
  counts.push(run);
  return { size: [height, width], counts: countsToString(counts) };
}
