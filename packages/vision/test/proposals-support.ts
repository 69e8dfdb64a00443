import type { ImagePlanes } from '@ocellus/vision/proposals';

/** A one-channel `height x width` image whose pixel (x, y) is `value(x, y)`. */
export function greyImage(
  height: number,
  width: number,
  value: (x: number, y: number) => number,
): ImagePlanes {
  const pixels = new Float32Array(height * width);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = value(x, y);
  return { pixels, channels: 1, height, width };
}

/** A three-channel (RGB planes) image whose pixel (x, y) is `rgb(x, y)`. */
export function rgbImage(
  height: number,
  width: number,
  rgb: (x: number, y: number) => readonly [number, number, number],
): ImagePlanes {
  const n = height * width;
  const pixels = new Float32Array(3 * n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = rgb(x, y);
      for (let c = 0; c < 3; c++) pixels[c * n + y * width + x] = value[c]!;
    }
  }
  return { pixels, channels: 3, height, width };
}

/** Whether (x, y) lies in the half-open box `[x1, y1, x2, y2]`. */
export const inside = (box: readonly number[], x: number, y: number): boolean =>
  x >= box[0]! && y >= box[1]! && x < box[2]! && y < box[3]!;

/** The boxes of a flat array as `[x1, y1, x2, y2]` tuples. */
export function boxList(boxes: ArrayLike<number>, count: number): number[][] {
  return Array.from({ length: count }, (_, i) => Array.from({ length: 4 }, (_, c) => boxes[4 * i + c]!));
}
