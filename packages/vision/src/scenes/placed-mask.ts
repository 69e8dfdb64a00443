import type { Rle } from '@ocellus/contracts';
import { countsToString } from '../rle.js';
import type { DigitStamp } from './stamp.js';

/**
 * COCO RLE of a stamp's mask placed at (`left`, `top`) on an empty `height x width` canvas, the
 * same runs `maskToCounts` finds on the whole canvas, without building it: everything outside the
 * stamp is zeros.
 */
export function placedMaskRle(
  stamp: DigitStamp,
  left: number,
  top: number,
  height: number,
  width: number,
): Rle {
  const { size, mask } = stamp;
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  const emit = (v: number, length: number) => {
    if (length === 0) return;
    if (v !== value) {
      counts.push(run);
      run = 0;
      value = v;
    }
    run += length;
  };
  emit(0, left * height + top);
  for (let x = 0; x < size; x++) {
    for (let y = 0; y < size; y++) emit(mask[y * size + x]!, 1);
    if (x < size - 1) emit(0, height - size);
  }
  emit(0, height - top - size + (width - left - size) * height);
  counts.push(run);
  return { size: [height, width], counts: countsToString(counts) };
}
