import type { Rng } from './rng.js';
import { checkShape, type Shape, sizeOf } from './shape.js';
import { allocate, type DType } from './storage.js';
import { type NestedArray, Tensor } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

function make(
  shape: Shape,
  options: CreateOptions,
  fill: (data: Float32Array | Float64Array) => void,
): Tensor {
  checkShape(shape);
  const data = allocate(options.dtype ?? 'float32', sizeOf(shape));
  fill(data);
  const t = new Tensor(data, shape);
  if (options.requiresGrad) t.requireGrad();
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] ?? 0;
  }
  return shape;
}

function flattenNested(data: NestedArray, out: number[]): void {
  if (Array.isArray(data)) for (const d of data) flattenNested(d, out);
  else out.push(data);
}

/** From nested arrays (shape inferred) or a flat array-like with an explicit shape. */
export function tensor(
  data: NestedArray | ArrayLike<number>,
  shape?: Shape,
  options: CreateOptions = {},
): Tensor {
  let flat: ArrayLike<number>;
  let resolved: Shape;
  if (typeof data === 'number') {
    flat = [data];
    resolved = shape ?? [];
  } else if (Array.isArray(data)) {
    const values: number[] = [];
    flattenNested(data, values);
    flat = values;
    resolved = shape ?? inferShape(data);
  } else {
    flat = data as ArrayLike<number>;
    resolved = shape ?? [flat.length];
  }
  if (sizeOf(resolved) !== flat.length) {
    throw new Error(
      `${flat.length} values do not fill shape [${resolved.join(', ')}] (ragged nested array?)`,
    );
  }
  return make(resolved, options, (d) => d.set(flat));
}

export const zeros = (shape: Shape, options: CreateOptions = {}): Tensor => make(shape, options, () => {});
export const ones = (shape: Shape, options: CreateOptions = {}): Tensor =>
  make(shape, options, (d) => d.fill(1));
export const full = (shape: Shape, value: number, options: CreateOptions = {}): Tensor =>
  make(shape, options, (d) => d.fill(value));

export function arange(start: number, stop?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0) throw new Error('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((to - from) / step));
  return make([n], options, (d) => {
    for (let i = 0; i < n; i++) d[i] = from + i * step;
  });
}

export function eye(n: number, options: CreateOptions = {}): Tensor {
  return make([n, n], options, (d) => {
    for (let i = 0; i < n; i++) d[i * n + i] = 1;
  });
}

/** Uniform in [low, high). */
export function rand(
  shape: Shape,
  rng: Rng,
  options: CreateOptions & { low?: number; high?: number } = {},
): Tensor {
  const low = options.low ?? 0;
  const span = (options.high ?? 1) - low;
  return make(shape, options, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = low + span * rng.uniform();
  });
}

/** Normal with the given mean and standard deviation. */
export function randn(
  shape: Shape,
  rng: Rng,
  options: CreateOptions & { mean?: number; std?: number } = {},
): Tensor {
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  return make(shape, options, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = mean + std * rng.normal();
  });
}

/** Integers uniform in [low, high). */
export function randint(
  low: number,
  high: number,
  shape: Shape,
  rng: Rng,
  options: CreateOptions = {},
): Tensor {
  return make(shape, options, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = rng.int(low, high);
  });
}

/** The rows (first axis) of `x` in a random order. */
export function shuffle(x: Tensor, rng: Rng): Tensor {
  const n = x.shape[0] ?? 0;
  const perm = rng.permutation(n);
  const inner = x.size / Math.max(n, 1);
  const src = x.values();
  return make(x.shape, { dtype: x.dtype }, (d) => {
    for (let i = 0; i < n; i++) d.set(src.subarray(perm[i]! * inner, (perm[i]! + 1) * inner), i * inner);
  });
}
