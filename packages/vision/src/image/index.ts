export {
  ACCEPTED_FORMATS,
  DEFAULT_MAX_PIXELS,
  DEFAULT_MIN_SIDE,
  type DecodedImage,
  type DecodeOptions,
  decodeImage,
} from './decode.js';
export { MNIST_BOX, MNIST_SIZE, normalizeDigit } from './digit.js';
export { ImageError, type ImageErrorKind } from './errors.js';
export { type ModelInputOptions, type ModelInputSpec, toModelInput } from './model-input.js';
export { resamplePlane } from './resample.js';
