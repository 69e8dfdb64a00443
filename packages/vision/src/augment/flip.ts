import type { Rng, Tensor } from '@ocellus/tensor';
import { readBatch, toTensor } from './image-batch.js';

/** Mirrors each image left to right with probability `p` (torchvision RandomHorizontalFlip). */
export function horizontalFlip(batch: Tensor, rng: Rng, p = 0.5): Tensor {
  const { data, n, c, h, w } = readBatch(batch);
  const out = data.slice();
  const plane = c * h * w;
  for (let i = 0; i < n; i++) {
    if (!(rng.uniform() < p)) continue;
    for (let row = i * plane; row < (i + 1) * plane; row += w) {
      for (let x = 0; x < w; x++) out[row + x] = data[row + w - 1 - x]!;
    }
  }
  return toTensor(out, n, c, h, w);
}
