import { Rng } from '@ocellus/tensor';
import { resamplePlane } from '@ocellus/vision/image';
import { canonicalSplit, loadMnist } from '@ocellus/vision/mnist';

const SIDE = 28;

/** A grey canvas with its objects, the shape the photo-like augmentation takes. */
export interface Scene {
  pixels: Float32Array;
  width: number;
  height: number;
  objects: { box: [number, number, number, number]; mask: Uint8Array }[];
}

/**
 * A clean digit scene after REFERENCE.md "Data" (test-split digits, sizes `minSize..maxSize`, composited by
 * max, 8-bit grey, masks `> 0.5`, boxes their extent); overlap rules are loosened to plain IoU <= 0.2.
 */
export function digitScene(
  seed: number,
  options: { side?: number; digits?: number; minSize?: number; maxSize?: number } = {},
): Scene {
  const { side = 128, digits = 4, minSize = 16, maxSize = 40 } = options;
  const rng = new Rng(seed);
  const mnist = loadMnist();
  const test = canonicalSplit().test;
  const pixels = new Float32Array(side * side);
  const objects: Scene['objects'] = [];
  for (let tries = 0; objects.length < digits && tries < 200; tries++) {
    const index = test[rng.int(0, test.length)]!;
    const s = rng.int(minSize, maxSize + 1);
    const digit = resamplePlane(
      mnist.images.subarray(index * SIDE * SIDE, (index + 1) * SIDE * SIDE),
      SIDE,
      SIDE,
      s,
      s,
    );
    const left = rng.int(0, side - s + 1);
    const top = rng.int(0, side - s + 1);
    const mask = new Uint8Array(side * side);
    let [x1, y1, x2, y2] = [side, side, 0, 0];
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        if (digit[y * s + x]! <= 0.5) continue;
        mask[(top + y) * side + left + x] = 1;
        [x1, y1, x2, y2] = [
          Math.min(x1, left + x),
          Math.min(y1, top + y),
          Math.max(x2, left + x + 1),
          Math.max(y2, top + y + 1),
        ];
      }
    }
    const box: [number, number, number, number] = [x1, y1, x2, y2];
    if (x2 <= x1 || objects.some((o) => boxIou(o.box, box) > 0.2)) continue;
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        const i = (top + y) * side + left + x;
        pixels[i] = Math.max(pixels[i]!, Math.min(1, Math.max(0, digit[y * s + x]!)));
      }
    }
    objects.push({ box, mask });
  }
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(255 * pixels[i]!) / 255;
  return { pixels, width: side, height: side, objects };
}

export function boxIou(a: readonly number[], b: readonly number[]): number {
  const w = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const h = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = w * h;
  const area = (r: readonly number[]) => (r[2]! - r[0]!) * (r[3]! - r[1]!);
  return inter / (area(a) + area(b) - inter);
}

/** IoU of the `> 0.5` pixels of two planes of one size. */
export function thresholdIou(a: Float32Array, b: Float32Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const pa = a[i]! > 0.5;
    const pb = b[i]! > 0.5;
    if (pa && pb) inter++;
    if (pa || pb) union++;
  }
  return union === 0 ? 1 : inter / union;
}
