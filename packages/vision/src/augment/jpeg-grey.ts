/**
 * Baseline JPEG of one grey plane without the bytes, synchronously, for training augmentations that cannot
 * wait for an encoder: 8-bit levels, 8x8 blocks (the edge pixels repeated to fill the last ones, as libjpeg
 * pads), the DCT, the JPEG Annex K luminance table scaled to the quality as libjpeg does, and back. It
 * matches `jpegRoundTrip` of a grey image to within rounding of the transform (see its test).
 */
import type { PhotoEncoding } from './jpeg.js';

/** A grey level in [0, 1] as the nearest of 256 8-bit levels, 0..255. */
const eightBit = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));

/** JPEG Annex K, table K.1: the luminance quantisation table at quality 50, in row-major order. */
const LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/** libjpeg's `jpeg_quality_scaling` and `jpeg_add_quant_table` with baseline limits: the table at `quality`. */
export function jpegLuminanceTable(quality: number): Int32Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  return Int32Array.from(LUMINANCE, (base) =>
    Math.min(255, Math.max(1, Math.floor((base * scale + 50) / 100))),
  );
}

/** The orthonormal 8-point DCT-II basis: BASIS[u * 8 + x] = c(u) cos((2x + 1) u pi / 16). */
const BASIS = Float64Array.from({ length: 64 }, (_, i) => {
  const u = Math.floor(i / 8);
  const x = i % 8;
  return (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
});

/** `out = B a B^T` (forward) or `out = B^T a B` (inverse) for one 8x8 block. */
function transform(a: Float64Array, out: Float64Array, inverse: boolean, tmp: Float64Array): void {
  const b = (r: number, c: number) => (inverse ? BASIS[c * 8 + r]! : BASIS[r * 8 + c]!);
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) {
      let s = 0;
      for (let k = 0; k < 8; k++) s += b(r, k) * a[k * 8 + c]!;
      tmp[r * 8 + c] = s;
    }
  }
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) {
      let s = 0;
      for (let k = 0; k < 8; k++) s += tmp[r * 8 + k]! * b(c, k);
      out[r * 8 + c] = s;
    }
  }
}

/**
 * `pixels` (`height x width` grey levels in [0, 1]) as a JPEG at `quality` (1..100) would decode them:
 * a new plane of 8-bit levels over 255.
 */
export function jpegGreyRoundTrip(
  pixels: Float32Array,
  width: number,
  height: number,
  quality: number,
): Float32Array {
  if (pixels.length !== width * height) {
    throw new RangeError(`a ${width}x${height} plane needs ${width * height} values, got ${pixels.length}`);
  }
  const table = jpegLuminanceTable(quality);
  const out = new Float32Array(width * height);
  const block = new Float64Array(64);
  const coefficients = new Float64Array(64);
  const tmp = new Float64Array(64);
  const level = (x: number, y: number) =>
    eightBit(pixels[Math.min(y, height - 1) * width + Math.min(x, width - 1)]!);
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let i = 0; i < 64; i++) block[i] = level(bx + (i % 8), by + Math.floor(i / 8)) - 128;
      transform(block, coefficients, false, tmp);
      for (let i = 0; i < 64; i++) coefficients[i] = Math.round(coefficients[i]! / table[i]!) * table[i]!;
      transform(coefficients, block, true, tmp);
      for (let i = 0; i < 64; i++) {
        const x = bx + (i % 8);
        const y = by + Math.floor(i / 8);
        if (x < width && y < height)
          out[y * width + x] = Math.min(255, Math.max(0, Math.round(block[i]! + 128))) / 255;
      }
    }
  }
  return out;
}

/** `pixels` (`height x width` grey levels in [0, 1]) as an upload of that encoding decodes them, synchronously. */
export function decodedGrey(
  pixels: Float32Array,
  width: number,
  height: number,
  encoding: PhotoEncoding,
): Float32Array {
  if (encoding.format === 'jpeg') return jpegGreyRoundTrip(pixels, width, height, encoding.quality);
  return Float32Array.from(pixels, (v) => eightBit(v) / 255);
}
