import { AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, ConvTranspose2d, MaxPool2d } from '@ocellus/nn/layers';
import { describe, it } from 'vitest';
import { compare, expectParity, fixture, load, parityDTypes, scaledError } from './layers-fixture.js';

describe.each(parityDTypes)('torch parity in %s', (dtype, tol) => {
  const record = expectParity(dtype, tol);

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
