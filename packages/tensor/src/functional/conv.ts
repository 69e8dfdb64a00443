import { apply } from '../apply.js';
import { isGradEnabled } from '../autograd.js';
import type { Tensor } from '../tensor.js';

type Pair = number | readonly [number, number];

const pair = (v: Pair | undefined, fallback: number): [number, number] =>
  v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

export interface FusedConv2dOptions extends Conv2dOptions {
  /** Applied to the output in the same pass (and its gradient in the same backward). */
  activation?: 'relu';
  /**
   * Then maxPool2d(2): in the same pass when no gradient is wanted (only the pooled quarter leaves the
   * kernel), as the two ops otherwise. Same values either way.
   */
  pool?: boolean;
}

/** x [n, c, h, w] * weight [f, c, kh, kw] (+ bias [f]) -> [n, f, oh, ow], torch semantics. */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: FusedConv2dOptions = {},
): Tensor {
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const attrs = {
    stride: pair(options.stride, 1),
    padding: pair(options.padding, 0),
    dilation: pair(options.dilation, 1),
    relu: options.activation === 'relu',
  };
  if (!options.pool) return apply('conv2d', inputs, attrs);
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad))
    return maxPool2d(apply('conv2d', inputs, attrs), 2);
  return apply('conv2d', inputs, { ...attrs, pool: true });
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  outputPadding?: Pair;
}

/** Transposed convolution, weight [cin, cout, kh, kw] as torch.nn.ConvTranspose2d. */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: ConvTranspose2dOptions = {},
): Tensor {
  const attrs = {
    stride: pair(options.stride, 1),
    padding: pair(options.padding, 0),
    outputPadding: pair(options.outputPadding, 0),
    dilation: pair(options.dilation, 1),
  };
  return apply('convTranspose2d', bias ? [x, weight, bias] : [x, weight], attrs);
}

export interface Pool2dOptions {
  /** Defaults to the kernel size, as torch. */
  stride?: Pair;
  padding?: Pair;
}

function poolAttrs(kernel: Pair, options: Pool2dOptions) {
  const k = pair(kernel, 1);
  return {
    kernel: k,
    stride: options.stride === undefined ? k : pair(options.stride, 1),
    padding: pair(options.padding, 0),
  };
}

export const maxPool2d = (x: Tensor, kernel: Pair, options: Pool2dOptions = {}): Tensor =>
  apply('maxPool2d', [x], poolAttrs(kernel, options));

export const avgPool2d = (x: Tensor, kernel: Pair, options: Pool2dOptions = {}): Tensor =>
  apply('avgPool2d', [x], poolAttrs(kernel, options));

/** Patches of x as rows [n*oh*ow, c*kh*kw]. */
export function im2col(x: Tensor, kernel: Pair, options: Conv2dOptions = {}): Tensor {
  return apply('im2col', [x], {
    kernel: pair(kernel, 1),
    stride: pair(options.stride, 1),
    padding: pair(options.padding, 0),
    dilation: pair(options.dilation, 1),
  });
}

/** Sums patch rows back into an image of `imageShape` (the adjoint of im2col). */
export function col2im(
  cols: Tensor,
  imageShape: readonly [number, number, number, number],
  kernel: Pair,
  options: Conv2dOptions = {},
): Tensor {
  return apply('col2im', [cols], {
    imageShape: [...imageShape],
    kernel: pair(kernel, 1),
    stride: pair(options.stride, 1),
    padding: pair(options.padding, 0),
    dilation: pair(options.dilation, 1),
  });
}
