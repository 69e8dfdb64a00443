import type { Rng, Tensor } from '@ocellus/tensor';
import { readBatch, toTensor } from './image-batch.js';
import { type Range, uniformIn } from './random-range.js';

export interface RandomErasingOptions {
  /** Chance that an image gets a box erased (default 0.5). */
  probability?: number;
  /** Range of the box's area as a fraction of the image's (Zhong et al.: [0.02, 0.4]). */
  scale?: Range;
  /** Range of the box's height / width, drawn log-uniformly (default [0.3, 3.3]). */
  ratio?: Range;
  /** What fills the box: one value in every channel, or `'random'` (uniform in [0, 1) per pixel, the paper's). */
  value?: number | 'random';
}

/**
 * Random Erasing (Zhong et al. 2017; torchvision `RandomErasing`): with `probability`, each image gets one box
 * of random area and aspect ratio filled with `value`, on every channel. Ten tries at a box that fits; an image
 * whose tries all fail is left as it is.
 */
export function randomErasing(batch: Tensor, rng: Rng, options: RandomErasingOptions = {}): Tensor {
  const { data, n, c, h, w } = readBatch(batch);
  const probability = options.probability ?? 0.5;
  const scale = options.scale ?? [0.02, 0.4];
  const ratio = options.ratio ?? [0.3, 3.3];
  const value = options.value ?? 'random';
  if (!(probability >= 0 && probability <= 1))
    throw new RangeError(`probability ${probability} must be in [0, 1]`);
  if (!(scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1))
    throw new RangeError(`scale [${scale.join(', ')}] must be 0 < low <= high <= 1`);
  if (!(ratio[0] > 0 && ratio[0] <= ratio[1]))
    throw new RangeError(`ratio [${ratio.join(', ')}] must be 0 < low <= high`);
  const out = Float32Array.from(data);
  const logRatio: Range = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let i = 0; i < n; i++) {
    if (rng.uniform() >= probability) continue;
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = h * w * uniformIn(rng, scale, 'scale');
      const aspect = Math.exp(uniformIn(rng, logRatio, 'ratio'));
      const height = Math.round(Math.sqrt(area * aspect));
      const width = Math.round(Math.sqrt(area / aspect));
      if (!(height >= 1 && width >= 1 && height < h && width < w)) continue;
      const top = rng.int(0, h - height + 1);
      const left = rng.int(0, w - width + 1);
      for (let ch = 0; ch < c; ch++) {
        const plane = (i * c + ch) * h * w;
        for (let y = top; y < top + height; y++) {
          for (let x = left; x < left + width; x++) {
            out[plane + y * w + x] = value === 'random' ? rng.uniform() : value;
          }
        }
      }
      break;
    }
  }
  return toTensor(out, n, c, h, w);
}
