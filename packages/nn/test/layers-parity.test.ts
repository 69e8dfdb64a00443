import { readFileSync } from 'node:fs';
import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  MaxPool2d,
  type Pair,
} from '@ocellus/nn/layers';
import type { Module, TensorModule } from '@ocellus/nn/module';
import { type DType, type Tensor, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { logError } from './layers-helpers.js';

/** Written by fixtures/layers.py from torch (float64); see that script for the cases. */
interface Stored {
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
const fixture = JSON.parse(readFileSync(new URL('../fixtures/layers.json', import.meta.url), 'utf8')) as {
  conv2d: ConvCase[];
  convTranspose2d: ConvCase[];
  pool: PoolCase[];
  batchnorm: BatchNormCase[];
};

/** max |a − e| over max |e|: the error relative to the tensor's own scale. */
function scaledError(actual: Tensor | null, expected: Stored): number {
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

const load = (s: Stored, dtype: DType, requiresGrad = false) =>
  tensor(s.data, s.shape, { dtype, requiresGrad });

/** Runs forward and backward with torch's upstream gradient; returns the worst error of all tensors. */
function compare(
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
const dtypes = [
  ['float32', 1e-5],
  ['float64', 1e-8],
] as const;

describe.each(dtypes)('torch parity in %s', (dtype, tol) => {
  const record = (name: string, err: number) => {
    logError(`${name} [${dtype}]`, 'parity', err);
    expect(err).toBeLessThan(tol);
  };

  it.each(fixture.conv2d.map((c) => [c.name, c] as const))('Conv2d %s', (_, c) => {
    const [out, inC, kh, kw] = c.weight.shape as [number, number, number, number];
    const layer = new Conv2d(inC, out, [kh, kw], { ...c.geometry, dtype });
    layer.weight.data.set(c.weight.data);
    layer.bias!.data.set(c.bias.data);
    record(`Conv2d ${c.name}`, compare(layer, c.x, c.upstream, c, layer, dtype));
  });

  it.each(fixture.convTranspose2d.map((c) => [c.name, c] as const))('ConvTranspose2d %s', (_, c) => {
    const [inC, out, kh, kw] = c.weight.shape as [number, number, number, number];
    const { output_padding: outputPadding, ...geometry } = c.geometry;
    const layer = new ConvTranspose2d(inC, out, [kh, kw], { ...geometry, outputPadding, dtype });
    layer.weight.data.set(c.weight.data);
    layer.bias!.data.set(c.bias.data);
    record(`ConvTranspose2d ${c.name}`, compare(layer, c.x, c.upstream, c, layer, dtype));
  });

  it.each(fixture.pool.map((c) => [c.name, c] as const))('pooling %s', (_, c) => {
    const layer =
      c.kind === 'max' ? new MaxPool2d(c.kernel, c.geometry) : new AvgPool2d(c.kernel, c.geometry);
    record(
      `${c.kind === 'max' ? 'MaxPool2d' : 'AvgPool2d'} ${c.name}`,
      compare(layer, c.x, c.upstream, c, {}, dtype),
    );
  });

  it.each(fixture.batchnorm.map((c) => [c.name, c] as const))(
    '%s: training step, running statistics, eval',
    (_, c) => {
      const channels = c.weight.shape[0]!;
      const layer =
        c.trainInputs[0]!.shape.length === 4
          ? new BatchNorm2d(channels, { dtype })
          : new BatchNorm1d(channels, { dtype });
      layer.weight.data.set(c.weight.data);
      layer.bias.data.set(c.bias.data);
      const [first, ...rest] = c.trainInputs;
      const trainErr = compare(layer, first!, c.upstream, c.train, layer, dtype);
      for (const x of rest) layer.forward(load(x, dtype));
      const runningErr = Math.max(
        scaledError(layer.runningMean, c.runningMean),
        scaledError(layer.runningVar, c.runningVar),
      );
      layer.zeroGrad();
      layer.eval();
      const evalErr = compare(layer, c.evalInput, c.evalUpstream, c.eval, layer, dtype);
      record(`${c.name} train`, trainErr);
      record(`${c.name} running stats`, runningErr);
      record(`${c.name} eval`, evalErr);
    },
  );
});
