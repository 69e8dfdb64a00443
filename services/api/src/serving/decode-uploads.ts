import { type DecodedImage, decodeImage, ImageError } from '@ocellus/vision/image';
import type { Limits } from '../config.js';
import { imageErrorToApi } from '../plugins/errors.js';

/**
 * Decodes a request's uploads for a model whose input is at most `inputSide` pixels a side: larger
 * images are shrunk while decoding (never below 512 px or 4x the input side), and a bad image is the
 * client's 4xx naming which upload failed.
 */
export function decodeUploads(images: Buffer[], limits: Limits, inputSide: number): Promise<DecodedImage[]> {
  const maxSide = Math.max(512, 4 * inputSide);
  return Promise.all(
    images.map((bytes, i) =>
      decodeImage(bytes, { maxPixels: limits.maxPixels, minSide: limits.minImageSide, maxSide }).catch(
        (error: unknown) => {
          throw error instanceof ImageError ? imageErrorToApi(error, i, limits.maxPixels) : error;
        },
      ),
    ),
  );
}
