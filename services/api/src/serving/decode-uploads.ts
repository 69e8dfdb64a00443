import { type DecodedImage, decodeImage, ImageError, readImageHeader } from '@ocellus/vision/image';
import { LIMIT_SETTINGS, type Limits } from '../config.js';
import { payloadTooLarge } from '../errors.js';
import { imageErrorToApi } from '../plugins/errors.js';
import type { DecodeSlots } from './admission.js';

/**
 * Decodes a request's uploads for a model whose input is at most `inputSide` pixels a side: larger
 * images are shrunk while decoding (never below 512 px or 4x the input side), and a bad image is the
 * client's 4xx naming which upload failed. Every header is read first, and a request whose images add up
 * to more than `maxRequestPixels` is refused with 413 before any is decoded. Each decode waits for one of
 * the app's bounded `decodeSlots`, and a request whose images would overflow the wait list is refused with
 * 503 OVERLOADED before any of them starts.
 */
export async function decodeUploads(
  images: Buffer[],
  limits: Limits,
  inputSide: number,
  slots: DecodeSlots,
): Promise<DecodedImage[]> {
  const options = {
    maxPixels: limits.maxPixels,
    minSide: limits.minImageSide,
    maxSide: Math.max(512, 4 * inputSide),
  };
  const asApiError = (i: number) => (error: unknown) => {
    throw error instanceof ImageError ? imageErrorToApi(error, i, limits.maxPixels) : error;
  };
  const headers = await Promise.all(
    images.map((bytes, i) => readImageHeader(bytes, options).catch(asApiError(i))),
  );
  const pixels = headers.reduce((sum, { width, height }) => sum + width * height, 0);
  if (pixels > limits.maxRequestPixels) {
    throw payloadTooLarge(
      "the pixel count of the request's images",
      limits.maxRequestPixels,
      LIMIT_SETTINGS.maxRequestPixels,
    );
  }
  const decode = (i: number) => decodeImage(images[i]!, options, headers[i]);
  slots.reserve(images.length);
  return Promise.all(images.map((_, i) => slots.run(() => decode(i)).catch(asApiError(i))));
}
