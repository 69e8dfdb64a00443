import type { DecodedImage } from './decode.js';
import { MNIST_SIZE, normalizeDigit } from './digit.js';
import { resamplePlane } from './resample.js';

export interface ModelInputSpec {
  channels: number;
  height: number;
  width: number;
}

export interface ModelInputOptions {
  /** Apply the MNIST recipe (polarity, crop to the ink, 20 px box, centre of mass) before resizing. */
  digit?: boolean;
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

/** A decoded image as one model input: Float32Array in [0, 1], CHW, `channels x height x width`. */
export function toModelInput(
  image: DecodedImage,
  spec: ModelInputSpec,
  options: ModelInputOptions = {},
): Float32Array {
  const { channels, height, width } = spec;
  const out = new Float32Array(channels * height * width);
  const planeSize = height * width;
  if (options.digit) {
    const digit = normalizeDigit(toGrey(image), image.width, image.height);
    const plane =
      height === MNIST_SIZE && width === MNIST_SIZE
        ? digit
        : resamplePlane(digit, MNIST_SIZE, MNIST_SIZE, width, height);
    for (let c = 0; c < channels; c++) out.set(plane, c * planeSize);
    return out;
  }
  for (let c = 0; c < channels; c++) {
    const plane = channels === 1 ? toGrey(image) : channelPlane(image, c);
    out.set(resamplePlane(plane, image.width, image.height, width, height), c * planeSize);
  }
  return out;
}
