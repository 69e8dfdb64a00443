import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { ImageError } from './errors.js';
import { ACCEPTED_LOADERS, sniffImageFormat } from './formats.js';

// Second guard behind the signature check, process-wide from the moment this module loads: every libvips
// loader but the accepted raster ones is blocked, so librsvg, poppler and ImageMagick never see an upload.
sharp.block({ operation: ['VipsForeignLoad'] });
sharp.unblock({ operation: [...ACCEPTED_LOADERS] });

/** 4096 x 4096: REFERENCE.md "Limits and safety". */
export const DEFAULT_MAX_PIXELS = 4096 * 4096;
export const DEFAULT_MIN_SIDE = 8;

/** Raster formats served; vector and document formats (svg, pdf, magick) are refused. */
export const ACCEPTED_FORMATS: ReadonlySet<string> = new Set([
  'jpeg',
  'png',
  'webp',
  'gif',
  'tiff',
  'heif',
  'avif',
]);

const ACCEPTED_NAMES = 'PNG, JPEG, WebP, GIF, TIFF, HEIF/AVIF';

export interface DecodeOptions {
  /** Largest width x height accepted, checked from the header before any pixel is decoded. */
  maxPixels?: number;
  /** Smallest width or height accepted. */
  minSide?: number;
  /** When set, larger images are shrunk (area average) so neither side exceeds it. */
  maxSide?: number;
}

export interface DecodedImage {
  /** Pixel grid of `data`, interleaved HWC, 8 bits per channel. */
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
  /** The upload as the user sees it (after EXIF orientation), before any shrinking. */
  source: { width: number; height: number; format: string };
}

/** An upload's header as read by `readImageHeader`: enough to decide, before decoding, whether to decode. */
export interface ImageHeader {
  format: string;
  width: number;
  /** The first page's height (an animated GIF or WebP stacks its pages). */
  height: number;
  meta: Metadata;
}

async function readMetadata(input: Buffer, options: SharpOptions): Promise<Metadata> {
  try {
    return await sharp(input, options).metadata();
  } catch (err) {
    throw new ImageError('decode-failed', 'not a readable image: its header is damaged', { cause: err });
  }
}

/**
 * Reads an untrusted upload's header without decoding a pixel: its signature, format and size, refused
 * when over `maxPixels` or under `minSide`.
 */
export async function readImageHeader(input: Buffer, options: DecodeOptions = {}): Promise<ImageHeader> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const minSide = options.minSide ?? DEFAULT_MIN_SIDE;
  if (input.length === 0) throw new ImageError('decode-failed', 'the image is empty');
  // Before sharp: a 2 KB SVG of nested <use> costs librsvg seconds of layout in metadata() alone.
  const sniffed = sniffImageFormat(input);
  if (sniffed.kind === 'refused') {
    throw new ImageError(
      'unsupported-format',
      `the image is ${sniffed.name}; ${ACCEPTED_NAMES} are accepted`,
    );
  }
  if (sniffed.kind === 'unknown') {
    throw new ImageError(
      'decode-failed',
      `not a readable image: its first bytes are none of ${ACCEPTED_NAMES}`,
    );
  }
  const meta = await readMetadata(input, { failOn: 'warning', limitInputPixels: false, pages: 1 });
  if (!ACCEPTED_FORMATS.has(meta.format)) {
    throw new ImageError('unsupported-format', `image format '${meta.format}' is not accepted`);
  }
  const pageHeight = meta.pageHeight ?? meta.height;
  const pixels = meta.width * pageHeight;
  if (pixels > maxPixels) {
    throw new ImageError(
      'too-many-pixels',
      `the image is ${meta.width}x${pageHeight} = ${pixels} pixels, over the limit of ${maxPixels}`,
    );
  }
  if (meta.width < minSide || pageHeight < minSide) {
    throw new ImageError(
      'too-small',
      `the image is ${meta.width}x${pageHeight}; each side needs at least ${minSide} pixels`,
    );
  }
  return { format: meta.format, width: meta.width, height: pageHeight, meta };
}

/**
 * Decodes an untrusted upload with sharp: header checks first (skipped when `header` is given, already
 * read with the same options), then a strict (`failOn: 'warning'`) decode.
 */
export async function decodeImage(
  input: Buffer,
  options: DecodeOptions = {},
  header?: ImageHeader,
): Promise<DecodedImage> {
  const { meta, width, height: pageHeight } = header ?? (await readImageHeader(input, options));
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const sharpOptions: SharpOptions = { failOn: 'warning', limitInputPixels: maxPixels, pages: 1 };
  const swapped = (meta.orientation ?? 1) >= 5;
  const source = {
    width: swapped ? pageHeight : width,
    height: swapped ? width : pageHeight,
    format: meta.format,
  };
  const grey = meta.channels <= 2 && meta.space === 'b-w';
  let pipeline = sharp(input, { ...sharpOptions, autoOrient: true });
  if (meta.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
  if (options.maxSide && Math.max(source.width, source.height) > options.maxSide) {
    pipeline = pipeline.resize({
      width: options.maxSide,
      height: options.maxSide,
      fit: 'inside',
      kernel: 'linear',
    });
  }
  pipeline = grey ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb').removeAlpha();
  try {
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const channels = info.channels === 1 ? 1 : 3;
    if (info.channels !== channels) throw new Error(`unexpected ${info.channels} channels after conversion`);
    return {
      width: info.width,
      height: info.height,
      channels,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      source,
    };
  } catch (err) {
    if (err instanceof ImageError) throw err;
    throw new ImageError(
      'decode-failed',
      'the image could not be decoded: its data is damaged or truncated',
      {
        cause: err,
      },
    );
  }
}
