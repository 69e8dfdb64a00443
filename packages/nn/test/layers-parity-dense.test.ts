import { ELU, Embedding, LeakyReLU, Linear, PReLU, ReLU, Sigmoid, Tanh } from '@ocellus/nn/layers';
import type { Module, TensorModule } from '@ocellus/nn/module';
import type { DType } from '@ocellus/tensor';
import { describe, it } from 'vitest';
import { compare, expectParity, fixture, load, parityDTypes, scaledError } from './layers-fixture.js';

/** The module for each activation case of fixtures/layers.py. */
const activations: Record<string, (dtype: DType) => Module & TensorModule> = {
  Sigmoid: () => new Sigmoid(),
  Tanh: () => new Tanh(),
  ReLU: () => new ReLU(),
  'LeakyReLU 0.01': () => new LeakyReLU(),
  'LeakyReLU 0.2': () => new LeakyReLU(0.2),
  'ELU 1': () => new ELU(),
  'ELU 0.7': () => new ELU(0.7),
  'PReLU shared': (dtype) => new PReLU({ dtype }),
  'PReLU per channel': (dtype) => new PReLU({ numParameters: 6, dtype }),
};

describe.each(parityDTypes)('torch parity in %s', (dtype, tol) => {
  const record = expectParity(dtype, tol);

  it('Linear', () => {
    const c = fixture.linear;
    const [out, inF] = c.weight.shape as [number, number];
    const layer = new Linear(inF, out, { dtype });
    layer.weight.data.set(c.weight.data);
    layer.bias!.data.set(c.bias.data);
    record('Linear', compare(layer, c.x, c.upstream, c, layer, dtype));
  });

  it.each(fixture.activations.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const make = activations[name];
    if (!make) throw new Error(`no module for the fixture case ${name}`);
    const layer = make(dtype);
    const alpha = layer instanceof PReLU ? layer.alpha : null;
    if (alpha && c.alpha) alpha.data.set(c.alpha.data);
    const err = compare(layer, c.x, c.upstream, c, {}, dtype);
    record(name, alpha && c.dalpha ? Math.max(err, scaledError(alpha.grad, c.dalpha)) : err);
  });

  it('Embedding', () => {
    const c = fixture.embedding;
    const [rows, dim] = c.weight.shape as [number, number];
    const layer = new Embedding(rows, dim, { dtype });
    layer.weight.data.set(c.weight.data);
    const out = layer.forward(load(c.indices, dtype));
    out.backward(load(c.upstream, dtype));
    record('Embedding', Math.max(scaledError(out, c.out), scaledError(layer.weight.grad, c.dweight)));
  });
});
