import { readFileSync } from 'node:fs';
import type { Pair } from '@ocellus/nn/layers';
import type { Module, TensorModule } from '@ocellus/nn/module';
import { type DType, type Tensor, tensor } from '@ocellus/tensor';
import { expect } from 'vitest';
import { logError } from './layers-helpers.js';

/** Written by fixtures/layers.py from torch (float64); see that script for the cases. */
export interface Stored {
  shape: number[];
  data: number[];
}
interface ConvCase {
  name: string;
  geometry: { stride?: Pair; padding?: Pair; dilation?: Pair; output_padding?: Pair };
  x: Stored;
  weight: Stored;
  bias: Stored;
  upstream: Stored;
  out: Stored;
  dx: Stored;
  dweight: Stored;
  dbias: Stored;
}
interface PoolCase {
  name: string;
  kind: 'max' | 'avg';
  kernel: Pair;
  geometry: { stride?: Pair; padding?: Pair };
  x: Stored;
  upstream: Stored;
  out: Stored;
  dx: Stored;
}
interface Pass {
  out: Stored;
  dx: Stored;
  dweight: Stored;
  dbias: Stored;
}
interface LinearCase {
  x: Stored;
  weight: Stored;
  bias: Stored;
  upstream: Stored;
  out: Stored;
  dx: Stored;
  dweight: Stored;
  dbias: Stored;
}
interface ActivationCase {
  name: string;
  x: Stored;
  upstream: Stored;
  out: Stored;
  dx: Stored;
  alpha?: Stored;
  dalpha?: Stored;
}
interface EmbeddingCase {
  weight: Stored;
  indices: Stored;
  upstream: Stored;
  out: Stored;
  dweight: Stored;
}
interface BatchNormCase {
  name: string;
  weight: Stored;
  bias: Stored;
  trainInputs: Stored[];
  upstream: Stored;
  train: Pass;
  runningMean: Stored;
  runningVar: Stored;
  evalInput: Stored;
  evalUpstream: Stored;
  eval: Pass;
}
export const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/layers.json', import.meta.url), 'utf8'),
) as {
  conv2d: ConvCase[];
  linear: LinearCase;
  activations: ActivationCase[];
  embedding: EmbeddingCase;
  convTranspose2d: ConvCase[];
  pool: PoolCase[];
  batchnorm: BatchNormCase[];
};

/** max |a − e| over max |e|: the error relative to the tensor's own scale. */
export function scaledError(actual: Tensor | null, expected: Stored): number {
  if (!actual) throw new Error('missing gradient');
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.values();
  let err = 0;
  let scale = 0;
  expected.data.forEach((e, i) => {
    err = Math.max(err, Math.abs(a[i]! - e));
    scale = Math.max(scale, Math.abs(e));
  });
  return err / Math.max(scale, 1e-12);
}

export const load = (s: Stored, dtype: DType, requiresGrad = false) =>
  tensor(s.data, s.shape, { dtype, requiresGrad });

/** Runs forward and backward with torch's upstream gradient; returns the worst error of all tensors. */
export function compare(
  layer: Module & TensorModule,
  x: Stored,
  upstream: Stored,
  expected: { out: Stored; dx: Stored; dweight?: Stored; dbias?: Stored },
  params: { weight?: Tensor | null; bias?: Tensor | null },
  dtype: DType,
): number {
  const input = load(x, dtype, true);
  const out = layer.forward(input);
  out.backward(load(upstream, dtype));
  const errors = [scaledError(out, expected.out), scaledError(input.grad, expected.dx)];
  if (expected.dweight) errors.push(scaledError(params.weight?.grad ?? null, expected.dweight));
  if (expected.dbias) errors.push(scaledError(params.bias?.grad ?? null, expected.dbias));
  return Math.max(...errors);
}

// float32 is the production dtype (tolerance from its 6e-8 epsilon times the sums' lengths); float64
// matches torch's own float64 up to the fixture's 9 significant digits.
export const parityDTypes = [
  ['float32', 1e-5],
  ['float64', 1e-8],
] as const;

/** Asserts a parity error under the dtype's tolerance and logs it for the closing note. */
export const expectParity =
  (dtype: DType, tol: number) =>
  (name: string, err: number): void => {
    logError(`${name} [${dtype}]`, 'parity', err);
    expect(err).toBeLessThan(tol);
  };
