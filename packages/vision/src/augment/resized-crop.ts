import type { Rng, Tensor } from '@ocellus/tensor';
import { resizeBilinear } from './bilinear.js';
import { outputSize, readBatch, toTensor } from './image-batch.js';

export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's (torchvision default [0.08, 1]). */
  scale?: readonly [number, number];
  /** Range of the crop's width / height, drawn log-uniformly (default [3/4, 4/3]). */
  ratio?: readonly [number, number];
  /** Output [height, width]; the input's by default. */
  size?: readonly [number, number];
}

interface Window {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** torchvision `RandomResizedCrop.get_params`: ten tries at a random box, then a centred fallback. */
function sampleWindow(
  h: number,
  w: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): Window {
  const area = h * w;
  const [logLow, logHigh] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (scale[0] + (scale[1] - scale[0]) * rng.uniform());
    const aspect = Math.exp(logLow + (logHigh - logLow) * rng.uniform());
    const width = Math.round(Math.sqrt(target * aspect));
    const height = Math.round(Math.sqrt(target / aspect));
    if (width > 0 && width <= w && height > 0 && height <= h) {
      return { top: rng.int(0, h - height + 1), left: rng.int(0, w - width + 1), height, width };
    }
  }
  const inRatio = w / h;
  let [height, width] = [h, w];
  if (inRatio < ratio[0]) height = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) width = Math.round(h * ratio[1]);
  return { top: Math.floor((h - height) / 2), left: Math.floor((w - width) / 2), height, width };
}

/** Crops a random area and aspect ratio of each image and resizes it bilinearly to `size`. */
export function randomResizedCrop(batch: Tensor, rng: Rng, options: RandomResizedCropOptions = {}): Tensor {
  const { data, n, c, h, w } = readBatch(batch);
  const scale = options.scale ?? [0.08, 1];
  const ratio = options.ratio ?? [3 / 4, 4 / 3];
  if (!(scale[0] > 0 && scale[0] <= scale[1]))
    throw new RangeError(`scale [${scale.join(', ')}] must be 0 < low <= high`);
  if (!(ratio[0] > 0 && ratio[0] <= ratio[1]))
    throw new RangeError(`ratio [${ratio.join(', ')}] must be 0 < low <= high`);
  const [oh, ow] = outputSize(options.size, h, w);
  const out = new Float32Array(n * c * oh * ow);
  for (let i = 0; i < n; i++) {
    const window = sampleWindow(h, w, scale, ratio, rng);
    for (let ch = 0; ch < c; ch++) {
      const plane = i * c + ch;
      resizeBilinear(data, plane * h * w, w, window, out, plane * oh * ow, oh, ow);
    }
  }
  return toTensor(out, n, c, oh, ow);
}
