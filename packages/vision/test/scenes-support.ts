import type { Box } from '@ocellus/contracts';
import { decodeMask } from '@ocellus/vision/rle';
import { type DigitObject, digitStamp, placedMaskRle, type SceneSet } from '@ocellus/vision/scenes';

/** `[min col, min row, max col + 1, max row + 1]` of a row-major mask, or null when it is empty. */
export function maskExtent(mask: Uint8Array, height: number, width: number): Box | null {
  let [x1, y1, x2, y2] = [width, height, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      x1 = Math.min(x1, x);
      y1 = Math.min(y1, y);
      x2 = Math.max(x2, x + 1);
      y2 = Math.max(y2, y + 1);
    }
  }
  return x2 === 0 ? null : [x1, y1, x2, y2];
}

/** The plane of image `i` of a one-channel scene set. */
export function imagePlane(scenes: SceneSet, i: number): Float32Array {
  const { height, width } = scenes.set;
  return scenes.set.images.subarray(i * height * width, (i + 1) * height * width);
}

/**
 * Every stamp side in `candidates` that reproduces the object exactly: its MNIST digit resized to
 * that side has the box's size and, shifted to the box, the object's mask.
 */
export function explainingSizes(
  object: DigitObject,
  height: number,
  width: number,
  candidates: number[],
): number[] {
  const [bx1, by1, bx2, by2] = object.box;
  return candidates.filter((side) => {
    const stamp = digitStamp(object.mnistIndex, side);
    if (!stamp) return false;
    const [x1, y1, x2, y2] = stamp.extent;
    if (x2 - x1 !== bx2 - bx1 || y2 - y1 !== by2 - by1) return false;
    const [left, top] = [bx1 - x1, by1 - y1];
    if (left < 0 || top < 0 || left + side > width || top + side > height) return false;
    return placedMaskRle(stamp, left, top, height, width).counts === object.mask.counts;
  });
}

/** Whether two float arrays hold the same bits (far faster than a deep equality on millions of values). */
export function sameValues(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/** How many values are not a whole number of 1/255 steps. */
export function offGrid(values: Float32Array): number {
  let count = 0;
  for (const v of values) if (Math.abs(v * 255 - Math.round(v * 255)) > 1e-4) count++;
  return count;
}

/**
 * Pixels of image `i` that break "above 0.5 exactly under a mask": a masked pixel below 128/255 or
 * an unmasked one above it (the 8-bit level of any value > 0.5 is at least 128).
 */
export function thresholdViolations(plane: Float32Array, masks: readonly Uint8Array[]): number {
  let count = 0;
  const level = 128 / 255;
  plane.forEach((v, p) => {
    const covered = masks.some((mask) => mask[p] === 1);
    if (covered ? v < level - 1e-7 : v > level + 1e-7) count++;
  });
  return count;
}

/** Side lengths 8..56, around every range the recipe uses. */
export const SIDES = Array.from({ length: 49 }, (_, i) => i + 8);

export { decodeMask };
