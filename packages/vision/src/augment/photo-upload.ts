import type { Rng } from '@ocellus/tensor';
import type { CanvasObject } from './box-geometry.js';
import { drawEncoding, encodePhoto, type PhotoEncoding } from './jpeg.js';
import { type CanvasSample, type PhotoLikeOptions, photoLike } from './photo-like.js';
import { logUniformIn, type Range } from './random-range.js';

/** JPEG qualities a photo-like upload is drawn at unless told otherwise. */
export const UPLOAD_JPEG_QUALITY: Range = [50, 95];

/** `decodeImage`'s default smallest side: an upload is never drawn smaller. */
const MIN_SIDE = 8;

export interface PhotoUploadOptions
  extends Omit<PhotoLikeOptions, 'size' | 'zoom' | 'translate' | 'minVisible'> {
  /** Upload width over canvas width, log-uniform (default [0.5, 3]). */
  scale?: Range;
  /** Change of aspect ratio, the height's factor over the width's, log-uniform (default [0.75, 4/3]). */
  aspect?: Range;
  /** Probability the upload is JPEG rather than PNG (default 0.5). */
  jpeg?: number;
  /** JPEG quality (default [50, 95]). */
  quality?: Range;
}

/** An evaluation image as a user would upload it, with its objects in upload pixels. */
export interface PhotoUpload<O extends CanvasObject = CanvasObject> {
  bytes: Buffer;
  encoding: PhotoEncoding;
  width: number;
  height: number;
  /** Boxes scaled to the upload (never clipped: nothing moves off the sheet); masks resized to it. */
  objects: O[];
}

/**
 * The photo-like version of an evaluation canvas as upload bytes, seeded: resized to another size (each axis
 * by its own factor), drawn photo-like without zoom or shift, then encoded as PNG or JPEG. An evaluator
 * decodes it through the upload path (`decodeImage`, `toModelInput` with format `digit-scene`), maps the
 * predicted boxes back with `toUploadBox`, and compares them with `objects`.
 */
export function photoLikeUpload<O extends CanvasObject>(
  sample: CanvasSample<O>,
  rng: Rng,
  options: PhotoUploadOptions = {},
): Promise<PhotoUpload<O>> {
  const {
    scale = [0.5, 3],
    aspect = [0.75, 4 / 3],
    jpeg = 0.5,
    quality = UPLOAD_JPEG_QUALITY,
    ...look
  } = options;
  const [sizeRng, photoRng, encodeRng] = [rng.fork(), rng.fork(), rng.fork()];
  const sx = logUniformIn(sizeRng, scale, 'scale');
  const sy = sx * logUniformIn(sizeRng, aspect, 'aspect');
  const width = Math.max(MIN_SIDE, Math.round(sx * sample.width));
  const height = Math.max(MIN_SIDE, Math.round(sy * sample.height));
  const photo = photoLike(sample, photoRng, { ...look, size: { width, height }, zoom: [1, 1], translate: 0 });
  const encoding = drawEncoding(encodeRng, { jpeg, quality });
  return encodePhoto(photo, encoding).then((bytes) => ({
    bytes,
    encoding,
    width,
    height,
    objects: photo.objects,
  }));
}
