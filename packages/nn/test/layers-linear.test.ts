import { Linear } from '@ocellus/nn/layers';
import { reshape, slice, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { checkModule, expectAllClose, expectGradCheck, r64 } from './layers-helpers.js';

describe('Linear', () => {
  it('computes x W^T + b with W stored [out, in]', () => {
    const layer = new Linear(3, 2);
    layer.weight.data.set([1, 2, 3, -1, 0, 2]);
    layer.bias!.data.set([0.5, -0.5]);
    const y = layer.forward(
      tensor([
        [1, 1, 1],
        [2, 0, -1],
      ]),
    );
    expect(y.toArray()).toEqual([
      [1 + 2 + 3 + 0.5, -1 + 0 + 2 - 0.5],
      [2 - 3 + 0.5, -2 - 2 - 0.5],
    ]);
  });

  it('maps every leading axis (a [N, T, D] sequence) like each row on its own', () => {
    const layer = new Linear(4, 5, { seed: 2, dtype: 'float64' });
    const x = r64([2, 3, 4]).detach();
    const y = layer.forward(x);
    expect(y.shape).toEqual([2, 3, 5]);
    const row = layer.forward(reshape(slice(x, [[1, 2], [2, 3], null]), [1, 4]));
    expectAllClose(y.values().subarray(25, 30), row.values());
  });

  it('passes a float64 gradient check of its input, weight and bias', () => {
    const layer = new Linear(5, 4, { seed: 3, dtype: 'float64' });
    layer.bias!.data.set([0.1, -0.2, 0.3, 0.05]);
    expectGradCheck('Linear', checkModule(layer, r64([3, 5])), 1e-7);
  });

  it('without a bias has only a weight, and the weight is the one to regularise', () => {
    expect(new Linear(2, 2, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['weight']);
    const layer = new Linear(2, 3);
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(layer.regularizedParameters()).toEqual([layer.weight]);
  });

  it('names the mismatch when the input has the wrong width', () => {
    expect(() => new Linear(3, 2).forward(tensor([[1, 2]]))).toThrow(/expected 3 input features/);
  });
});
