import type { Rng, Tensor } from '@ocellus/tensor';
import { outputSize, readBatch, toTensor } from './image-batch.js';

export interface RandomCropOptions {
  /** Zero border added on every side before cropping. */
  padding?: number;
  /** Output [height, width]; the input's by default. */
  size?: readonly [number, number];
  fill?: number;
}

/** Pads each image, then cuts a window at a uniformly random place (torchvision RandomCrop). */
export function randomCrop(batch: Tensor, rng: Rng, options: RandomCropOptions = {}): Tensor {
  const { data, n, c, h, w } = readBatch(batch);
  const padding = options.padding ?? 0;
  const fill = options.fill ?? 0;
  const [oh, ow] = outputSize(options.size, h, w);
  if (!(Number.isInteger(padding) && padding >= 0)) throw new RangeError(`padding ${padding} must be >= 0`);
  if (oh > h + 2 * padding || ow > w + 2 * padding) {
    throw new RangeError(
      `crop [${oh}, ${ow}] larger than the padded image [${h + 2 * padding}, ${w + 2 * padding}]`,
    );
  }
  const out = new Float32Array(n * c * oh * ow);
  for (let i = 0; i < n; i++) {
    const top = rng.int(0, h + 2 * padding - oh + 1) - padding;
    const left = rng.int(0, w + 2 * padding - ow + 1) - padding;
    for (let ch = 0; ch < c; ch++) {
      const src = (i * c + ch) * h * w;
      const dst = (i * c + ch) * oh * ow;
      for (let y = 0; y < oh; y++) {
        const sy = y + top;
        for (let x = 0; x < ow; x++) {
          const sx = x + left;
          out[dst + y * ow + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? data[src + sy * w + sx]! : fill;
        }
      }
    }
  }
  return toTensor(out, n, c, oh, ow);
}
