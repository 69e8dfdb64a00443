import { type DType, Rng, rand, randn, type Shape, sizeOf, type Tensor } from '@ocellus/tensor';

/**
 * Weight initialisation schemes (CS231n lecture 6): `small` N(0, 0.01²), `xavier` Glorot uniform,
 * `he` He normal for ReLU, `he-leaky` He normal for a leaky ReLU of slope `negativeSlope`.
 */
export type InitScheme = 'small' | 'xavier' | 'he' | 'he-leaky';

export interface Fans {
  fanIn: number;
  fanOut: number;
}

export interface InitOptions {
  dtype?: DType;
  /** Slope `a` of the leaky ReLU the layer feeds (`he-leaky` only). */
  negativeSlope?: number;
}

/** Where a layer's initial values come from: a shared generator, else a seed (default 0). */
export interface SeedOptions {
  rng?: Rng;
  seed?: number;
}

export function resolveRng(options: SeedOptions): Rng {
  return options.rng ?? new Rng(options.seed ?? 0);
}

/** Fans of a weight in torch layout `[out, in, ...kernel]`: fan_in = in·kh·kw, fan_out = out·kh·kw. */
export function fans(shape: Shape): Fans {
  if (shape.length < 2) throw new Error(`fans need a weight of rank >= 2, got [${shape.join(', ')}]`);
  const receptive = sizeOf(shape.slice(2));
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** N(0, std²), std 0.01 by default (CS231n's `0.01 * randn`). */
export function smallRandom(shape: Shape, rng: Rng, options: { dtype?: DType; std?: number } = {}): Tensor {
  return randn(shape, rng, { std: options.std ?? 0.01, dtype: options.dtype ?? 'float32' });
}

/** Glorot & Bengio 2010: U(±sqrt(6 / (fan_in + fan_out))). */
export function xavierUniform(shape: Shape, rng: Rng, f: Fans, options: InitOptions = {}): Tensor {
  const bound = Math.sqrt(6 / (f.fanIn + f.fanOut));
  return rand(shape, rng, { low: -bound, high: bound, dtype: options.dtype ?? 'float32' });
}

/** He et al. 2015: N(0, 2 / ((1 + a²) fan_in)); a = 0 is the plain ReLU form. */
export function heNormal(shape: Shape, rng: Rng, fanIn: number, options: InitOptions = {}): Tensor {
  const a = options.negativeSlope ?? 0;
  const std = Math.sqrt(2 / ((1 + a * a) * fanIn));
  return randn(shape, rng, { std, dtype: options.dtype ?? 'float32' });
}

/** A fresh weight by scheme; `options.fans` defaults to the torch-layout fans of `shape`. */
export function initWeight(
  scheme: InitScheme,
  shape: Shape,
  rng: Rng,
  options: InitOptions & { fans?: Fans } = {},
): Tensor {
  const f = (): Fans => options.fans ?? fans(shape);
  switch (scheme) {
    case 'small':
      return smallRandom(shape, rng, options);
    case 'xavier':
      return xavierUniform(shape, rng, f(), options);
    case 'he':
      return heNormal(shape, rng, f().fanIn, { dtype: options.dtype ?? 'float32' });
    case 'he-leaky':
      return heNormal(shape, rng, f().fanIn, {
        dtype: options.dtype ?? 'float32',
        negativeSlope: options.negativeSlope ?? 0.01,
      });
  }
}
