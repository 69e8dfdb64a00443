import type { Box } from '@ocellus/contracts';
import type { Rng } from '@ocellus/tensor';
import { resizeBilinear } from '../augment/bilinear.js';
import { loadMnist, MNIST_SIDE } from '../mnist/load.js';
import { type DigitDistortion, distortDigit } from './digit-distortion.js';

/** One MNIST digit resized to `size x size`, ready to composite: REFERENCE.md "Digit scenes" 1-2. */
export interface DigitStamp {
  readonly mnistIndex: number;
  readonly digit: number;
  readonly size: number;
  /** Row-major `size x size` grey levels, clipped to [0, 1] and quantised to k / 255. */
  readonly pixels: Float32Array;
  /** Row-major `size x size`: 1 where the resized digit is > 0.5 (before quantisation). */
  readonly mask: Uint8Array;
  /** The mask's extent inside the stamp, `[min col, min row, max col + 1, max row + 1]`. */
  readonly extent: Box;
}

/** Inclusive bounds of a stamp size: `s` uniform in `min..max`. */
export interface SizeRange {
  min: number;
  max: number;
}

const MAX_REDRAWS = 1000;

/** Training digits distorted with their own draws, apart from the draws that pick and place them. */
export interface StampDistortion {
  rng: Rng;
  distortion: DigitDistortion;
}

/** MNIST digit `mnistIndex`'s 28 x 28 grey plane (a view into the loaded set). */
function mnistPlane(mnistIndex: number): Float32Array {
  const plane = MNIST_SIDE * MNIST_SIDE;
  return loadMnist().images.subarray(mnistIndex * plane, (mnistIndex + 1) * plane);
}

/**
 * Resizes MNIST digit `mnistIndex` bilinearly (half-pixel centres) to `size x size`; null when its
 * mask is empty. `plane` replaces the digit's 28 x 28 pixels (a distorted copy of them).
 */
export function digitStamp(
  mnistIndex: number,
  size: number,
  plane = mnistPlane(mnistIndex),
): DigitStamp | null {
  const { labels } = loadMnist();
  const pixels = new Float32Array(size * size);
  const window = { top: 0, left: 0, height: MNIST_SIDE, width: MNIST_SIDE };
  resizeBilinear(plane, 0, MNIST_SIDE, window, pixels, 0, size, size);
  const mask = new Uint8Array(size * size);
  let [x1, y1, x2, y2] = [size, size, 0, 0];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const v = Math.min(1, Math.max(0, pixels[i]!));
      pixels[i] = Math.round(255 * v) / 255;
      if (v > 0.5) {
        mask[i] = 1;
        x1 = Math.min(x1, x);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, x + 1);
        y2 = Math.max(y2, y + 1);
      }
    }
  }
  if (x2 === 0) return null;
  return { mnistIndex, digit: labels[mnistIndex]!, size, pixels, mask, extent: [x1, y1, x2, y2] };
}

/**
 * A digit drawn uniformly from `pool` at a size uniform in `sizes`, distorted by `distort` when given,
 * drawn again while its mask is empty.
 */
export function drawStamp(
  rng: Rng,
  pool: Int32Array,
  sizes: SizeRange,
  distort?: StampDistortion,
): DigitStamp {
  for (let draw = 0; draw < MAX_REDRAWS; draw++) {
    const mnistIndex = pool[rng.int(0, pool.length)]!;
    const size = rng.int(sizes.min, sizes.max + 1);
    const plane = distort && distortDigit(distort.rng, mnistPlane(mnistIndex), distort.distortion);
    const stamp = digitStamp(mnistIndex, size, plane);
    if (stamp) return stamp;
  }
  throw new Error(`no digit with a non-empty mask in ${MAX_REDRAWS} draws from a pool of ${pool.length}`);
}
