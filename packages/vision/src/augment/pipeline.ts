import type { Rng, Tensor } from '@ocellus/tensor';
import { type ColorJitterOptions, colorJitter } from './color-jitter.js';
import { randomCrop } from './crop.js';
import { horizontalFlip } from './flip.js';
import { type RandomErasingOptions, randomErasing } from './random-erasing.js';
import { type RandomResizedCropOptions, randomResizedCrop } from './resized-crop.js';

/** The job spec's `augmentation` (flip off by default: mirrored digits are other symbols). */
export interface AugmentationSpec {
  flip?: boolean;
  randomCrop?: { padding?: number };
  randomResizedCrop?: RandomResizedCropOptions;
  colorJitter?: ColorJitterOptions;
  randomErasing?: RandomErasingOptions;
}

export type Augmentation = (batch: Tensor, rng: Rng) => Tensor;

/** Composes the spec's steps in torchvision's usual order: crop, resized crop, flip, colour jitter, erasing. */
export function augmentation(spec: AugmentationSpec = {}): Augmentation {
  const steps: Augmentation[] = [];
  if (spec.randomCrop) {
    const padding = spec.randomCrop.padding ?? 0;
    steps.push((x, rng) => randomCrop(x, rng, { padding }));
  }
  if (spec.randomResizedCrop) {
    const options = spec.randomResizedCrop;
    steps.push((x, rng) => randomResizedCrop(x, rng, options));
  }
  if (spec.flip) steps.push((x, rng) => horizontalFlip(x, rng));
  if (spec.colorJitter) {
    const options = spec.colorJitter;
    steps.push((x, rng) => colorJitter(x, rng, options));
  }
  if (spec.randomErasing) {
    const options = spec.randomErasing;
    steps.push((x, rng) => randomErasing(x, rng, options));
  }
  return (batch, rng) => steps.reduce((x, step) => step(x, rng), batch);
}
