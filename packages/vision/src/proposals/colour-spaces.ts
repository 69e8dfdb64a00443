import type { ImagePlanes } from './planes.js';

/**
 * The colour spaces selective search diversifies over (Uijlings et al. 2013, "Diversification
 * Strategies"): the intensity of a one-channel image as it is, or an RGB image as RGB, HSV or
 * CIELAB. Every converted channel is scaled to 0..1, as OpenCV's 8-bit conversions scale them
 * to 0..255.
 */
export type ColourSpace = 'intensity' | 'rgb' | 'hsv' | 'lab';

/** The paper's "fast" mode: HSV and Lab for colour images; a grey image has only its intensity. */
export function defaultColourSpaces(channels: number): readonly ColourSpace[] {
  return channels === 1 ? ['intensity'] : ['hsv', 'lab'];
}

/** sRGB companding undone (IEC 61966-2-1), as OpenCV's `COLOR_RGB2Lab` does before the XYZ matrix. */
function linear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** CIELAB's f(t) (CIE 15): the cube root above (6/29)^3, a line below. */
function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116;
}

function toHsv(r: number, g: number, b: number, out: number[]): void {
  const max = Math.max(r, g, b);
  const delta = max - Math.min(r, g, b);
  let hue = 0;
  if (delta > 0) {
    if (max === r) hue = ((g - b) / delta + 6) % 6;
    else if (max === g) hue = (b - r) / delta + 2;
    else hue = (r - g) / delta + 4;
  }
  out[0] = hue / 6;
  out[1] = max > 0 ? delta / max : 0;
  out[2] = max;
}

/** D65 white, sRGB primaries; L in 0..100 maps to 0..1, a and b in -128..127 to 0..1 as OpenCV's 8-bit Lab. */
function toLab(r: number, g: number, b: number, out: number[]): void {
  const [lr, lg, lb] = [linear(r), linear(g), linear(b)];
  const x = (0.412453 * lr + 0.35758 * lg + 0.180423 * lb) / 0.950456;
  const y = 0.212671 * lr + 0.71516 * lg + 0.072169 * lb;
  const z = (0.019334 * lr + 0.119193 * lg + 0.950227 * lb) / 1.088754;
  const [fx, fy, fz] = [labF(x), labF(y), labF(z)];
  out[0] = (116 * fy - 16) / 100;
  out[1] = Math.min(1, Math.max(0, (500 * (fx - fy) + 128) / 255));
  out[2] = Math.min(1, Math.max(0, (200 * (fy - fz) + 128) / 255));
}

/** `image` in `space`; 'intensity' needs one channel, the others three (RGB). */
export function toColourSpace(image: ImagePlanes, space: ColourSpace): ImagePlanes {
  const needed = space === 'intensity' ? 1 : 3;
  if (image.channels !== needed) {
    throw new RangeError(
      `colour space '${space}' needs ${needed} channel(s), the image has ${image.channels}`,
    );
  }
  if (space === 'intensity' || space === 'rgb') return image;
  const convert = space === 'hsv' ? toHsv : toLab;
  const n = image.height * image.width;
  const { pixels } = image;
  const out = new Float32Array(3 * n);
  const value = [0, 0, 0];
  for (let p = 0; p < n; p++) {
    convert(pixels[p]!, pixels[n + p]!, pixels[2 * n + p]!, value);
    out[p] = value[0]!;
    out[n + p] = value[1]!;
    out[2 * n + p] = value[2]!;
  }
  return { ...image, pixels: out };
}
