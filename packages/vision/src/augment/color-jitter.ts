import type { Rng, Tensor } from '@ocellus/tensor';
import { readBatch, toTensor } from './image-batch.js';

/** Each strength s draws a factor uniformly from [max(0, 1 - s), 1 + s]; 0 leaves that property alone. */
export interface ColorJitterOptions {
  brightness?: number;
  contrast?: number;
  /** RGB only: grey images have no saturation to change. */
  saturation?: number;
}

/** ITU-R 601 luma weights, as torchvision's `rgb_to_grayscale`. */
const LUMA = [0.2989, 0.587, 0.114] as const;

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

function factor(strength: number, rng: Rng): number {
  const low = Math.max(0, 1 - strength);
  return low + (1 + strength - low) * rng.uniform();
}

function luma(img: Float32Array, p: number, plane: number): number {
  return LUMA[0] * img[p]! + LUMA[1] * img[p + plane]! + LUMA[2] * img[p + 2 * plane]!;
}

type Adjust = (img: Float32Array, c: number, plane: number, f: number) => void;

/** torchvision `adjust_brightness`: blend with black. */
const brightness: Adjust = (img, _c, _plane, f) => {
  for (let p = 0; p < img.length; p++) img[p] = clamp01(f * img[p]!);
};

/** torchvision `adjust_contrast`: blend with the mean grey level of the whole image. */
const contrast: Adjust = (img, c, plane, f) => {
  let sum = 0;
  if (c === 3) for (let p = 0; p < plane; p++) sum += luma(img, p, plane);
  else for (const v of img) sum += v;
  const mean = sum / (c === 3 ? plane : img.length);
  for (let p = 0; p < img.length; p++) img[p] = clamp01(f * img[p]! + (1 - f) * mean);
};

/** torchvision `adjust_saturation`: blend each pixel with its own grey level. */
const saturation: Adjust = (img, c, plane, f) => {
  if (c !== 3) return;
  for (let p = 0; p < plane; p++) {
    const grey = luma(img, p, plane);
    for (let ch = 0; ch < 3; ch++) img[p + ch * plane] = clamp01(f * img[p + ch * plane]! + (1 - f) * grey);
  }
};

/** Random brightness, contrast and saturation, applied in a random order per image (torchvision ColorJitter). */
export function colorJitter(batch: Tensor, rng: Rng, options: ColorJitterOptions = {}): Tensor {
  const { data, n, c, h, w } = readBatch(batch);
  const steps: [number, Adjust][] = [
    [options.brightness ?? 0, brightness],
    [options.contrast ?? 0, contrast],
    [options.saturation ?? 0, saturation],
  ];
  for (const [strength] of steps) {
    if (!(strength >= 0)) throw new RangeError(`jitter strength ${strength} must be >= 0`);
  }
  const out = data.slice();
  const plane = h * w;
  for (let i = 0; i < n; i++) {
    const img = out.subarray(i * c * plane, (i + 1) * c * plane);
    for (const s of rng.permutation(steps.length)) {
      const [strength, adjust] = steps[s]!;
      if (strength > 0) adjust(img, c, plane, factor(strength, rng));
    }
  }
  return toTensor(out, n, c, h, w);
}
