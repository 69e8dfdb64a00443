import type { TableSpec } from '../runtime/index.js';

/**
 * The offset tables of the direct convolutions, in bytes, kept resident in the SIMD runtime's memory by
 * shape (a training step asks for the same few again and again). Images are [n, c, hp, wp].
 */

const table = (key: string, build: () => Int32Array): TableSpec => ({ key, build });

/** Offset of the window origin of each output position (b, oy, ox) in a [n, c, hp, wp] image. */
export function windowOrigins(
  n: number,
  c: number,
  hp: number,
  wp: number,
  oh: number,
  ow: number,
  strideH: number,
  strideW: number,
  originY = 0,
  originX = 0,
): TableSpec {
  return table(`origins ${[n, c, hp, wp, oh, ow, strideH, strideW, originY, originX]}`, () => {
    const out = new Int32Array(n * oh * ow);
    let i = 0;
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < oh; oy++) {
        const row = b * c * hp * wp + (originY + oy * strideH) * wp + originX;
        for (let ox = 0; ox < ow; ox++) out[i++] = 4 * (row + ox * strideW);
      }
    }
    return out;
  });
}

/** Offset of each tap (ch, ky, kx) from the window origin in an image with planes of hp x wp. */
export function tapOffsets(
  c: number,
  kh: number,
  kw: number,
  dilationH: number,
  dilationW: number,
  hp: number,
  wp: number,
): TableSpec {
  return table(`taps ${[c, kh, kw, dilationH, dilationW, hp, wp]}`, () => {
    const out = new Int32Array(c * kh * kw);
    let i = 0;
    for (let ch = 0; ch < c; ch++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) out[i++] = 4 * (ch * hp * wp + ky * dilationH * wp + kx * dilationW);
      }
    }
    return out;
  });
}

/** Offset of element (b, 0, i) of an [n, channels, plane] output, for each b and i < plane. */
export function outputOrigins(n: number, channels: number, plane: number): TableSpec {
  return table(`outputs ${[n, channels, plane]}`, () => {
    const out = new Int32Array(n * plane);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < plane; i++) out[b * plane + i] = 4 * (b * channels * plane + i);
    }
    return out;
  });
}

/** 0, 4, 8, ...: rows of a row-major matrix whose row stride the caller gives as the channel stride. */
export function consecutive(count: number): TableSpec {
  return table(`consecutive ${count}`, () => Int32Array.from({ length: count }, (_, i) => 4 * i));
}
