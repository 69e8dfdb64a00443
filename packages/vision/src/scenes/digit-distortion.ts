import type { Rng } from '@ocellus/tensor';
import { gaussianBlur } from '../augment/gaussian-blur.js';
import { MNIST_SIDE } from '../mnist/load.js';

/**
 * How a training digit is distorted before it is stamped (Simard et al. 2003, "Best practices for
 * convolutional neural networks applied to visual document analysis"): a rotation and a shear about
 * the digit's centre, then an elastic field; all lengths in the 28 px MNIST grid.
 */
export interface DigitDistortion {
  /** Largest rotation, in degrees either way. */
  rotate: number;
  /** Largest horizontal shear (`x += shear * y` about the centre), either way. */
  shear: number;
  /** Uniform `[-1, 1]` displacements per pixel, smoothed by a Gaussian of `sigma` px and scaled by `alpha`. */
  elastic: { alpha: number; sigma: number };
  /** The share of stamps distorted; the others keep their MNIST pixels. */
  share: number;
}

const CENTRE = (MNIST_SIDE - 1) / 2;

/** How far a field's Gaussian reaches: its noise is drawn this much wider on each side of the 28 x 28 grid. */
const margin = (sigma: number) => Math.ceil(3 * sigma);

/** Uniform `[-1, 1]` noise over the 28 x 28 grid widened by the Gaussian's reach on each side. */
function fieldNoise(rng: Rng, sigma: number): Float32Array {
  const side = MNIST_SIDE + 2 * margin(sigma);
  return Float32Array.from({ length: side * side }, () => 2 * rng.uniform() - 1);
}

/**
 * `noise` smoothed by the Gaussian, cut back to the 28 x 28 grid and scaled by `alpha`: drawn wider than
 * the grid, the field is as strong at the grid's edges as inside. Zero when `alpha` is.
 */
function elasticField(noise: Float32Array, alpha: number, sigma: number): Float32Array {
  const field = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  if (alpha === 0) return field;
  const reach = margin(sigma);
  const side = MNIST_SIDE + 2 * reach;
  const smooth = gaussianBlur(noise, side, side, sigma);
  for (let y = 0; y < MNIST_SIDE; y++) {
    for (let x = 0; x < MNIST_SIDE; x++) {
      field[y * MNIST_SIDE + x] = alpha * smooth[(y + reach) * side + x + reach]!;
    }
  }
  return field;
}

/** Bilinear sample of a 28 x 28 plane at (`x`, `y`), zero outside. */
function sample(plane: Float32Array, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (col: number, row: number) =>
    col < 0 || row < 0 || col >= MNIST_SIDE || row >= MNIST_SIDE ? 0 : plane[row * MNIST_SIDE + col]!;
  const upper = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const lower = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return upper * (1 - fy) + lower * fy;
}

/**
 * One 28 x 28 digit plane distorted by `distortion`, drawn from `rng`: each output pixel reads the
 * source bilinearly at its position rotated and sheared about the centre plus the elastic
 * displacement. A stamp left undistorted (`share`) still consumes the same draws, so the seed fixes
 * every stamp's distortion whatever came before.
 */
export function distortDigit(rng: Rng, plane: Float32Array, distortion: DigitDistortion): Float32Array {
  const { rotate, shear, elastic, share } = distortion;
  const keep = rng.uniform() >= share;
  const angle = ((2 * rng.uniform() - 1) * rotate * Math.PI) / 180;
  const slant = (2 * rng.uniform() - 1) * shear;
  const noise = [fieldNoise(rng, elastic.sigma), fieldNoise(rng, elastic.sigma)] as const;
  if (keep) return plane.slice();
  const dx = elasticField(noise[0], elastic.alpha, elastic.sigma);
  const dy = elasticField(noise[1], elastic.alpha, elastic.sigma);
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  for (let y = 0; y < MNIST_SIDE; y++) {
    for (let x = 0; x < MNIST_SIDE; x++) {
      const v = y - CENTRE;
      const u = x - CENTRE + slant * v;
      const i = y * MNIST_SIDE + x;
      const sx = CENTRE + cos * u - sin * v + dx[i]!;
      const sy = CENTRE + sin * u + cos * v + dy[i]!;
      out[i] = sample(plane, sx, sy);
    }
  }
  return out;
}
