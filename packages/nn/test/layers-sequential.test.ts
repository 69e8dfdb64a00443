import { BatchNorm1d, Dropout, Flatten, Linear, ReLU, Sequential } from '@ocellus/nn/layers';
import { matmul, relu, sum, type Tensor, tensor, transpose, zeros } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { checkModule, expectAllClose, expectGradCheck, r64 } from './layers-helpers.js';

const mlp = (seed: number) =>
  new Sequential(
    new Linear(4, 6, { seed, dtype: 'float64' }),
    new BatchNorm1d(6, { dtype: 'float64' }),
    new ReLU(),
    new Dropout(0.5, { seed }),
    new Linear(6, 3, { seed: seed + 1, dtype: 'float64' }),
  );

describe('Sequential', () => {
  it('applies its layers in order', () => {
    const a = new Linear(3, 5, { seed: 1, dtype: 'float64' });
    const b = new Linear(5, 2, { seed: 2, dtype: 'float64' });
    const x = r64([4, 3]).detach();
    const manual = matmul(relu(matmul(x, transpose(a.weight))), transpose(b.weight));
    expectAllClose(new Sequential(a, new ReLU(), b).forward(x).values(), manual.values());
  });

  it('names children "0", "1", ... in parameters and buffers', () => {
    const model = mlp(1);
    expect(model.namedParameters().map(([n]) => n)).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '4.weight',
      '4.bias',
    ]);
    expect(model.namedBuffers().map(([n]) => n)).toEqual(['1.runningMean', '1.runningVar']);
    expect(model.regularizedParameters()).toEqual([model.parameters()[0], model.parameters()[4]]);
  });

  it('propagates train() and eval() to every layer, switching BatchNorm and Dropout', () => {
    const model = mlp(2);
    const x = r64([8, 4]).detach();
    model.eval();
    expect(model.layers.every((l) => !l.training)).toBe(true);
    const first = model.forward(x).values();
    expect(model.forward(x).values()).toEqual(first);
    model.train();
    expect(model.layers.every((l) => l.training)).toBe(true);
    expect(model.forward(x).values()).not.toEqual(first);
  });

  it('passes a gradient check of a whole small net in training mode (BatchNorm batch statistics)', () => {
    // No bias before the BatchNorm: its mean subtraction cancels it, so that gradient is exactly 0.
    const model = new Sequential(
      new Linear(4, 5, { seed: 3, dtype: 'float64', bias: false }),
      new BatchNorm1d(5, { dtype: 'float64' }),
      new Linear(5, 2, { seed: 4, dtype: 'float64' }),
    );
    expectGradCheck('Sequential (Linear-BN-Linear)', checkModule(model, r64([6, 4])), 1e-5);
  });
});

describe('Sequential state dicts', () => {
  it('round-trips parameters and BatchNorm buffers into a fresh model', () => {
    const source = mlp(5);
    for (let step = 0; step < 3; step++) source.forward(r64([8, 4], -2, 3));
    const target = mlp(9);
    target.loadStateDict(source.stateDict());
    for (const [name, t] of Object.entries(target.stateDict())) {
      expect([...t.values()], name).toEqual([...source.stateDict()[name]!.values()]);
    }
    const x = r64([5, 4]).detach();
    expect(target.eval().forward(x).values()).toEqual(source.eval().forward(x).values());
  });

  it('refuses a missing, an unexpected or a wrongly shaped tensor, naming it', () => {
    const model = mlp(6);
    const state = (): Record<string, Tensor> => ({ ...mlp(7).stateDict() });
    const missing = state();
    delete missing['1.runningVar'];
    expect(() => model.loadStateDict(missing)).toThrow(/missing 1\.runningVar/);
    expect(() => model.loadStateDict({ ...state(), '9.weight': zeros([1]) })).toThrow(/unexpected 9\.weight/);
    expect(() => model.loadStateDict({ ...state(), '4.weight': zeros([6, 3]) })).toThrow(
      /4\.weight has shape \[6, 3\], expected \[3, 6\]/,
    );
  });
});

describe('freeze', () => {
  it("freeze('0.') stops the gradients of layer 0 only, and unfreeze brings them back", () => {
    const model = new Sequential(new Linear(3, 4, { seed: 1 }), new ReLU(), new Linear(4, 2, { seed: 2 }));
    const x = tensor([
      [1, -2, 0.5],
      [0.3, 0.2, -1],
    ]);
    model.freeze('0.');
    sum(model.forward(x)).backward();
    const grads = Object.fromEntries(model.namedParameters().map(([n, p]) => [n, p.grad]));
    expect(grads['0.weight']).toBeNull();
    expect(grads['0.bias']).toBeNull();
    expect(grads['2.weight']).not.toBeNull();
    expect(grads['2.bias']).not.toBeNull();
    model.zeroGrad();
    model.unfreeze('0.');
    sum(model.forward(x)).backward();
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
  });
});

describe('Flatten', () => {
  it('merges every axis from startAxis on', () => {
    expect(new Flatten().forward(zeros([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(new Flatten(2).forward(zeros([2, 3, 4, 5])).shape).toEqual([2, 3, 20]);
    const x = r64([2, 3, 2]).detach();
    expect(new Flatten().forward(x).values()).toEqual(x.values());
  });
});
