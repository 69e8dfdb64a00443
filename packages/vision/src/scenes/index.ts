export type { CanvasSize } from './canvas.js';
export {
  CAPTION_VOCABULARY,
  captionOf,
  captionOrder,
  captionTokens,
  END_TOKEN,
  PAD_TOKEN,
  START_TOKEN,
} from './captions.js';
export { type DigitDistortion, distortDigit } from './digit-distortion.js';
export { type DigitSplit, digitPool } from './digit-pool.js';
export {
  type DigitScenesOptions,
  digitScenes,
  SCENE_CANVAS,
  SCENE_DIGIT_COUNTS,
  SCENE_DIGIT_SIZES,
  SCENE_MAX_IOU,
  SCENE_MIN_CENTRE_GAP,
  SCENE_PLACEMENT_TRIES,
} from './digit-scenes.js';
export type { DigitSetOptions } from './digit-set-options.js';
export { LOCALISATION_CANVAS, LOCALISATION_DIGIT_SIZES, localisationImages } from './localisation.js';
export { placedMaskRle } from './placed-mask.js';
export { concatSceneSets, type DigitObject, type SceneObject, type SceneSet } from './scene-set.js';
export { type DigitStamp, digitStamp, drawStamp, type SizeRange, type StampDistortion } from './stamp.js';
