import {
  BatchNorm2d,
  Conv2d,
  Flatten,
  LeakyReLU,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from '@ocellus/nn/layers';
import type { TensorModule } from '@ocellus/nn/module';
import { sum, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { checkModule, expectAllClose, expectGradCheck, r64 } from './layers-helpers.js';

/** The layers one by one, never fused. */
const stepwise = (layers: readonly TensorModule[], x: Tensor) => layers.reduce((h, l) => l.forward(h), x);

const lenetLike = () =>
  new Sequential(
    new Conv2d(2, 3, 3, { padding: 1, seed: 1, dtype: 'float64' }),
    new ReLU(),
    new Conv2d(3, 3, 3, { padding: 1, seed: 7, dtype: 'float64', bias: false }),
    new BatchNorm2d(3, { dtype: 'float64' }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(3 * 3 * 3, 4, { seed: 2, dtype: 'float64' }),
    new ReLU(),
    new Linear(4, 2, { seed: 3, dtype: 'float64' }),
  );

describe('Sequential fuses a ReLU into the Conv2d, BatchNorm or Linear before it', () => {
  it('runs Conv2d + ReLU, BatchNorm + ReLU and Linear + ReLU as single ops', () => {
    const x = r64([1, 1, 5, 5]).detach();
    const out = new Sequential(new Conv2d(1, 2, 3, { seed: 4, dtype: 'float64' }), new ReLU()).forward(x);
    expect(out.node?.op).toBe('conv2d');
    const bn = new Sequential(new BatchNorm2d(1, { dtype: 'float64' }), new ReLU());
    expect(bn.forward(r64([2, 1, 3, 3]).detach()).node?.op).toBe('batchNorm');
    const fc = new Sequential(new Linear(3, 2, { seed: 5, dtype: 'float64' }), new ReLU());
    expect(fc.forward(r64([4, 3]).detach()).node?.op).toBe('linear');
  });

  it('leaves other activations and ReLU subclasses as their own layers', () => {
    class ClippedReLU extends ReLU {}
    const leaky = new Sequential(new Linear(3, 2, { seed: 6, dtype: 'float64' }), new LeakyReLU(0.1));
    expect(leaky.forward(r64([4, 3]).detach()).node?.op).not.toBe('linear');
    const sub = new Sequential(new Linear(3, 2, { seed: 6, dtype: 'float64' }), new ClippedReLU());
    expect(sub.forward(r64([4, 3]).detach()).node?.op).toBe('relu');
  });

  it('gives the values and gradients of the layers applied one by one', () => {
    const fused = lenetLike();
    const plain = lenetLike();
    const x = r64([2, 2, 6, 6]).detach();
    expectAllClose(fused.forward(x).values(), stepwise(plain.layers, x).values());
    sum(fused.forward(x)).backward();
    sum(stepwise(plain.layers, x)).backward();
    const grads = (m: Sequential) => m.parameters().map((p) => Array.from(p.grad?.values() ?? []));
    grads(fused).forEach((g, i) => {
      expectAllClose(g, grads(plain)[i]!);
    });
  });

  it('passes a gradient check of the fused net', () => {
    expectGradCheck(
      'Sequential (fused conv/linear + ReLU)',
      checkModule(lenetLike(), r64([2, 2, 6, 6])),
      1e-5,
    );
  });
});
