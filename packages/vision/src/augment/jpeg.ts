import type { Rng } from '@ocellus/tensor';
import sharp from 'sharp';
import type { CanvasObject } from './box-geometry.js';
import { type CanvasSample, type PhotoLikeOptions, type PhotoSample, photoLike } from './photo-like.js';
import { type Range, uniformIn } from './random-range.js';

/** How an image is written: lossless PNG, or JPEG at a quality in 1..100. */
export type PhotoEncoding = { format: 'png' } | { format: 'jpeg'; quality: number };

/** A seeded encoding: JPEG with probability `jpeg` at a quality drawn uniformly from `quality`, else PNG. */
export function drawEncoding(rng: Rng, options: { jpeg: number; quality: Range }): PhotoEncoding {
  const quality = uniformIn(rng, options.quality, 'quality');
  return rng.uniform() < options.jpeg ? { format: 'jpeg', quality } : { format: 'png' };
}

/** A photo-like sample as 8-bit image bytes (grey or sRGB, as its channels). */
export function encodePhoto(sample: PhotoSample, encoding: PhotoEncoding): Promise<Buffer> {
  const { pixels, channels, width, height } = sample;
  const n = width * height;
  const interleaved = Buffer.alloc(channels * n);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < n; i++) interleaved[i * channels + c] = Math.round(255 * pixels[c * n + i]!);
  }
  let image = sharp(interleaved, { raw: { width, height, channels } });
  if (channels === 1) image = image.toColourspace('b-w');
  return encoding.format === 'png'
    ? image.png().toBuffer()
    : image.jpeg({ quality: Math.round(encoding.quality) }).toBuffer();
}

export interface JpegOptions {
  /** Probability of the round trip (default 0.5). */
  probability?: number;
  /** JPEG quality (default [40, 95]). */
  quality?: Range;
}

/** Seeded JPEG compression: encoded at a drawn quality and decoded back; geometry and objects unchanged. */
export async function jpegRoundTrip<O extends CanvasObject>(
  sample: PhotoSample<O>,
  rng: Rng,
  options: JpegOptions = {},
): Promise<PhotoSample<O>> {
  const { probability = 0.5, quality = [40, 95] } = options;
  const q = uniformIn(rng, quality, 'quality');
  if (!(rng.uniform() < probability)) return sample;
  const bytes = await encodePhoto(sample, { format: 'jpeg', quality: q });
  const decoder =
    sample.channels === 1 ? sharp(bytes).toColourspace('b-w') : sharp(bytes).toColourspace('srgb');
  const { data, info } = await decoder.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== sample.channels) throw new Error(`JPEG came back with ${info.channels} channels`);
  const n = sample.width * sample.height;
  const pixels = new Float32Array(sample.channels * n);
  for (let c = 0; c < sample.channels; c++) {
    for (let i = 0; i < n; i++) pixels[c * n + i] = data[i * sample.channels + c]! / 255;
  }
  return { ...sample, pixels };
}

/** `photoLike`, then `jpegRoundTrip`: the whole photo-like augmentation, from one seed. */
export function photoLikeAsync<O extends CanvasObject>(
  sample: CanvasSample<O>,
  rng: Rng,
  options: PhotoLikeOptions & { jpeg?: JpegOptions } = {},
): Promise<PhotoSample<O>> {
  const [photoRng, jpegRng] = [rng.fork(), rng.fork()];
  return jpegRoundTrip(photoLike(sample, photoRng, options), jpegRng, options.jpeg);
}
