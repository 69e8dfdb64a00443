import type { InputGeometry } from './geometry.js';
import { resamplePlane } from './resample.js';

/** MNIST geometry (LeCun et al.): the ink fits a 20x20 box and its centre of mass sits at the centre of 28x28. */
export const MNIST_SIZE = 28;
export const MNIST_BOX = 20;

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? 0;
}

function percentile(values: number[], p: number): number {
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(p * values.length))] ?? 0;
}

/** Pixels of the outer ring (about 5% of the shorter side), where paper, not ink, is expected. */
function borderValues(grey: Float32Array, width: number, height: number): number[] {
  const ring = Math.max(1, Math.round(0.05 * Math.min(width, height)));
  const values: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x < ring || y < ring || x >= width - ring || y >= height - ring) values.push(grey[y * width + x]!);
    }
  }
  return values;
}

/** Index range along one axis holding all but `tail` of the mass at each end (drops stray specks). */
function massSpan(profile: Float64Array, tail: number): [number, number] {
  let lo = 0;
  for (let acc = 0; lo < profile.length - 1 && acc + profile[lo]! <= tail; lo++) acc += profile[lo]!;
  let hi = profile.length - 1;
  for (let acc = 0; hi > lo && acc + profile[hi]! <= tail; hi--) acc += profile[hi]!;
  return [lo, hi];
}

/** A normalised digit and where its 28x28 frame lies in the grey image it came from. */
export interface NormalizedDigit {
  pixels: Float32Array;
  geometry: InputGeometry;
}

/**
 * Brings a grey image of one handwritten digit (values in [0, 1], any size, either polarity) to MNIST's
 * form: light ink on a black field, cropped to the ink, longer side scaled to 20 px, placed in 28x28 by
 * its centre of mass.
 */
export function normalizeDigit(grey: Float32Array, width: number, height: number): NormalizedDigit {
  const out = new Float32Array(MNIST_SIZE * MNIST_SIZE);
  const blank = {
    pixels: out,
    geometry: {
      scaleX: width / MNIST_SIZE,
      scaleY: height / MNIST_SIZE,
      offsetX: 0,
      offsetY: 0,
      width,
      height,
    },
  };
  const border = borderValues(grey, width, height);
  const invert = median([...border]) > 0.5;
  const ink = new Float32Array(grey.length);
  for (let i = 0; i < grey.length; i++) ink[i] = invert ? 1 - grey[i]! : grey[i]!;
  const paper = median(border.map((v) => (invert ? 1 - v : v)));
  let peak = 0;
  for (const v of ink) peak = Math.max(peak, v);
  if (peak - paper < 0.1) return blank;
  // Paper texture and compression noise: whatever the border reaches, the ink must exceed.
  const noise = Math.max(
    0.05,
    percentile(
      border.map((v) => ((invert ? 1 - v : v) - paper) / (peak - paper)),
      0.98,
    ),
  );
  const profileX = new Float64Array(width);
  const profileY = new Float64Array(height);
  let mass = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = Math.min(1, Math.max(0, ((ink[i]! - paper) / (peak - paper) - noise) / (1 - noise)));
      ink[i] = v;
      profileX[x] = profileX[x]! + v;
      profileY[y] = profileY[y]! + v;
      mass += v;
    }
  }
  if (mass === 0) return blank;
  const [x0, x1] = massSpan(profileX, 0.005 * mass);
  const [y0, y1] = massSpan(profileY, 0.005 * mass);
  const boxW = x1 - x0 + 1;
  const boxH = y1 - y0 + 1;
  const crop = new Float32Array(boxW * boxH);
  for (let y = 0; y < boxH; y++)
    crop.set(ink.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + boxW), y * boxW);
  const scale = MNIST_BOX / Math.max(boxW, boxH);
  const w = Math.max(1, Math.round(boxW * scale));
  const h = Math.max(1, Math.round(boxH * scale));
  const patch = resamplePlane(crop, boxW, boxH, w, h);
  let sum = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = patch[y * w + x]!;
      sum += v;
      cx += v * x;
      cy += v * y;
    }
  }
  // MNIST's own digits have their centre of mass at pixel index (14, 14), measured over the set.
  const dx = Math.round(MNIST_SIZE / 2 - cx / sum);
  const dy = Math.round(MNIST_SIZE / 2 - cy / sum);
  for (let y = 0; y < h; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= MNIST_SIZE) continue;
    for (let x = 0; x < w; x++) {
      const tx = x + dx;
      if (tx >= 0 && tx < MNIST_SIZE) out[ty * MNIST_SIZE + tx] = Math.min(1, patch[y * w + x]!);
    }
  }
  // 28x28 pixel X is crop pixel (X - dx) * boxW / w, i.e. grey pixel x0 + that.
  const scaleX = boxW / w;
  const scaleY = boxH / h;
  return {
    pixels: out,
    geometry: { scaleX, scaleY, offsetX: x0 - dx * scaleX, offsetY: y0 - dy * scaleY, width, height },
  };
}
