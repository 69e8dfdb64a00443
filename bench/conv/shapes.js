// The convolutions bench:conv measures (shapes.json, read by the PyTorch child too) and their work.
import { readFileSync } from 'node:fs';

/** { name, n, c, h, w, f, k, stride, pad, transposed? }: c input and f output channels, square k x k kernel. */
export const SHAPES = JSON.parse(readFileSync(new URL('./shapes.json', import.meta.url), 'utf8'));

/** Forward, input gradient, weight (and bias) gradient. */
export const PASSES = ['forward', 'input', 'weight'];

const out = (size, s) =>
  s.transposed ? (size - 1) * s.stride - 2 * s.pad + s.k : (size + 2 * s.pad - s.k) / s.stride + 1;

/** Output height and width. */
export const outputSize = (s) => [out(s.h, s), out(s.w, s)];

/**
 * Floating-point operations of one pass, 2 per multiply-add; the three passes do the same number. A
 * transposed convolution does the multiply-adds of the convolution it transposes (over its input pixels).
 */
export function flops(s) {
  const [oh, ow] = outputSize(s);
  const pixels = s.transposed ? s.h * s.w : oh * ow;
  return 2 * s.n * s.c * s.f * s.k * s.k * pixels;
}
