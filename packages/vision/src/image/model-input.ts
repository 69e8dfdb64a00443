import type { ImageFormat, InputSpec } from '@ocellus/contracts';
import type { DecodedImage } from './decode.js';
import { MNIST_SIZE, normalizeDigit } from './digit.js';
import { composeGeometry, type InputGeometry, resizeGeometry } from './geometry.js';
import { resamplePlane } from './resample.js';
import { normalizeScene } from './scene-normalize.js';

/** What a model input needs: its size, and how uploads are brought to it. */
export type ModelInputSpec = Pick<InputSpec, 'channels' | 'height' | 'width'> & { format?: ImageFormat };

/** One model input and the map from its pixels back to the upload's. */
export interface ModelInput {
  /** `channels x height x width` floats in [0, 1], CHW. */
  pixels: Float32Array;
  geometry: InputGeometry;
}

/** ITU-R BT.601 luma, the weights MNIST-era grey conversions use. */
function toGrey(image: DecodedImage): Float32Array {
  const { data, channels } = image;
  const n = image.width * image.height;
  const grey = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    grey[i] =
      channels === 1
        ? data[i]! / 255
        : (0.299 * data[3 * i]! + 0.587 * data[3 * i + 1]! + 0.114 * data[3 * i + 2]!) / 255;
  }
  return grey;
}

function channelPlane(image: DecodedImage, c: number): Float32Array {
  const n = image.width * image.height;
  const plane = new Float32Array(n);
  const stride = image.channels;
  const source = Math.min(c, stride - 1);
  for (let i = 0; i < n; i++) plane[i] = image.data[i * stride + source]! / 255;
  return plane;
}

/**
 * A decoded image as one model input. `photo`: resized to the input (each axis on its own);
 * `mnist-digit`: the MNIST recipe (polarity, crop to the ink, 20 px box, centre of mass) first;
 * `digit-scene`: resized as `photo`, then brought to white digits on black (`normalizeScene`).
 */
export function toModelInput(image: DecodedImage, spec: ModelInputSpec): ModelInput {
  const { channels, height, width } = spec;
  const pixels = new Float32Array(channels * height * width);
  const planeSize = height * width;
  // The decoded grid may have been shrunk from the upload while decoding.
  const decoded = resizeGeometry(image.source, image);
  if (spec.format === 'mnist-digit') {
    const digit = normalizeDigit(toGrey(image), image.width, image.height);
    const plane =
      height === MNIST_SIZE && width === MNIST_SIZE
        ? digit.pixels
        : resamplePlane(digit.pixels, MNIST_SIZE, MNIST_SIZE, width, height);
    for (let c = 0; c < channels; c++) pixels.set(plane, c * planeSize);
    const frame = resizeGeometry({ width: MNIST_SIZE, height: MNIST_SIZE }, spec);
    return { pixels, geometry: composeGeometry(composeGeometry(decoded, digit.geometry), frame) };
  }
  if (spec.format === 'digit-scene') {
    // Resized first: the normalisation then costs the model input's pixels, whatever the upload's size.
    const grey = resamplePlane(toGrey(image), image.width, image.height, width, height);
    const plane = normalizeScene(grey, width, height);
    for (let c = 0; c < channels; c++) pixels.set(plane, c * planeSize);
    return { pixels, geometry: composeGeometry(decoded, resizeGeometry(image, spec)) };
  }
  for (let c = 0; c < channels; c++) {
    const plane = channels === 1 ? toGrey(image) : channelPlane(image, c);
    pixels.set(resamplePlane(plane, image.width, image.height, width, height), c * planeSize);
  }
  return { pixels, geometry: composeGeometry(decoded, resizeGeometry(image, spec)) };
}
