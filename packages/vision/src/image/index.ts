export {
  ACCEPTED_FORMATS,
  DEFAULT_MAX_PIXELS,
  DEFAULT_MIN_SIDE,
  type DecodedImage,
  type DecodeOptions,
  decodeImage,
  type ImageHeader,
  readImageHeader,
} from './decode.js';
export { MNIST_BOX, MNIST_SIZE, type NormalizedDigit, normalizeDigit } from './digit.js';
export { ImageError, type ImageErrorKind } from './errors.js';
export {
  type BoxTuple,
  composeGeometry,
  type InputGeometry,
  resizeGeometry,
  toUploadBox,
} from './geometry.js';
export { type ModelInput, type ModelInputSpec, toModelInput } from './model-input.js';
export { resamplePlane } from './resample.js';
export { normalizeScene } from './scene-normalize.js';
