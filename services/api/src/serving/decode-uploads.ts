import { type DecodedImage, decodeImage, ImageError } from '@ocellus/vision/image';
import type { Limits } from '../config.js';
import { imageErrorToApi } from '../plugins/errors.js';
import type { DecodeSlots } from './admission.js';

/**
 * Decodes a request's uploads for a model whose input is at most `inputSide` pixels a side: larger
 * images are shrunk while decoding (never below 512 px or 4x the input side), and a bad image is the
 * client's 4xx naming which upload failed. With `slots` (the app's `decodeSlots`), each decode waits for
 * one of a bounded number of slots, and a request whose images would overflow the wait list is refused
 * with 503 OVERLOADED before any of them starts.
 */
export async function decodeUploads(
  images: Buffer[],
  limits: Limits,
  inputSide: number,
  slots?: DecodeSlots,
): Promise<DecodedImage[]> {
  const maxSide = Math.max(512, 4 * inputSide);
  const decode = (bytes: Buffer) =>
    decodeImage(bytes, { maxPixels: limits.maxPixels, minSide: limits.minImageSide, maxSide });
  slots?.reserve(images.length);
  return Promise.all(
    images.map((bytes, i) =>
      (slots === undefined ? decode(bytes) : slots.run(() => decode(bytes))).catch((error: unknown) => {
        throw error instanceof ImageError ? imageErrorToApi(error, i, limits.maxPixels) : error;
      }),
    ),
  );
}
