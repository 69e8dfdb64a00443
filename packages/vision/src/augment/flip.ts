import type { Rng, Tensor } from '@ocellus/tensor';
import { readBatch, toTensor } from './image-batch.js';

/** Mirrors each image left to right with probability `p` (torchvision RandomHorizontalFlip). */
export function horizontalFlip(batch: Tensor, rng: Rng, p = 0.5): Tensor {
  return mirrorWhere(batch, () => rng.uniform() < p);
}

/** Every image mirrored left to right (test-time augmentation). */
export function mirror(batch: Tensor): Tensor {
  return mirrorWhere(batch, () => true);
}

/** Mirrors the images for which `flip()`, asked once per image in order, says so. */
function mirrorWhere(batch: Tensor, flip: () => boolean): Tensor {
  const { data, n, c, h, w } = readBatch(batch);
  const out = data.slice();
  const plane = c * h * w;
  for (let i = 0; i < n; i++) {
    if (!flip()) continue;
    for (let row = i * plane; row < (i + 1) * plane; row += w) {
      for (let x = 0; x < w; x++) out[row + x] = data[row + w - 1 - x]!;
    }
  }
  return toTensor(out, n, c, h, w);
}
