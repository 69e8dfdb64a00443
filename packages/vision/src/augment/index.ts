export { type ColorJitterOptions, colorJitter } from './color-jitter.js';
export { type RandomCropOptions, randomCrop } from './crop.js';
export { horizontalFlip } from './flip.js';
export { type Augmentation, type AugmentationSpec, augmentation } from './pipeline.js';
export { type RandomResizedCropOptions, randomResizedCrop } from './resized-crop.js';
