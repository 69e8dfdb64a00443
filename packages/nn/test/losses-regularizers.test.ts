import { applyMaxNorm, elasticNetPenalty, l1Penalty, l2Penalty } from '@ocellus/nn/losses';
import { Module } from '@ocellus/nn/module';
import type { Tensor } from '@ocellus/tensor';
import * as T from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

const f64 = { dtype: 'float64' } as const;

class Affine extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(w: number[][], b: number[]) {
    super();
    this.weight = this.registerParameter('weight', T.tensor(w, undefined, f64));
    this.bias = this.registerParameter('bias', T.tensor(b, undefined, f64));
  }
}

class TwoLayer extends Module {
  readonly fc1 = this.registerModule('fc1', new Affine([[1, -2]], [5]));
  readonly fc2 = this.registerModule('fc2', new Affine([[3], [-4]], [6, 7]));
}

describe('penalties', () => {
  it('l2Penalty of a module is sum W^2 over its weights, with gradient 2W and none to biases', () => {
    const net = new TwoLayer();
    const r = l2Penalty(net);
    expect(r.item()).toBe(1 + 4 + 9 + 16);
    r.backward();
    expect(net.fc1.weight.grad!.toArray()).toEqual([[2, -4]]);
    expect(net.fc2.weight.grad!.toArray()).toEqual([[6], [-8]]);
    expect(net.fc1.bias.grad).toBeNull();
    expect(net.fc2.bias.grad).toBeNull();
  });

  it('an explicit list regularises exactly the tensors given, biases included', () => {
    const net = new TwoLayer();
    expect(l2Penalty([net.fc2.bias]).item()).toBe(36 + 49);
    expect(l1Penalty([net.fc1.weight, net.fc1.bias]).item()).toBe(1 + 2 + 5);
  });

  it('l1Penalty is sum |W| and elasticNetPenalty is beta L2 + L1', () => {
    const net = new TwoLayer();
    expect(l1Penalty(net).item()).toBe(10);
    expect(elasticNetPenalty(net, 0.25).item()).toBe(0.25 * 30 + 10);
  });

  it('refuses to regularise nothing', () => {
    expect(() => l2Penalty([])).toThrow(/no parameters/);
  });
});

describe('applyMaxNorm', () => {
  it('projects each output unit (row, torch layout) with norm above c onto the ball, leaving the others', () => {
    const net = new Affine(
      [
        [3, 4],
        [0.3, 0.4],
      ],
      [100, -100],
    );
    expect(applyMaxNorm(net, 1)).toBe(1);
    const [w0, w1] = net.weight.toArray() as number[][];
    expect(w0![0]).toBeCloseTo(0.6, 15);
    expect(w0![1]).toBeCloseTo(0.8, 15);
    expect(w1).toEqual([0.3, 0.4]);
    expect(net.bias.toArray()).toEqual([100, -100]);
  });

  it('takes units along another axis (CS231n W of shape [D, C] has one column per class)', () => {
    const w = T.tensor(
      [
        [6, 1],
        [8, 0],
      ],
      undefined,
      f64,
    );
    expect(applyMaxNorm([w], 5, { axis: 1 })).toBe(1);
    expect(w.toArray()).toEqual([
      [3, 1],
      [4, 0],
    ]);
  });

  it('treats a conv kernel [out, in, kh, kw] per output channel', () => {
    const w = T.ones([2, 3, 2, 2], f64);
    w.data.fill(0.1, 12);
    expect(applyMaxNorm([w], 2)).toBe(1);
    const v = w.values();
    let first = 0;
    for (let i = 0; i < 12; i++) first += v[i]! ** 2;
    expect(Math.sqrt(first)).toBeCloseTo(2, 14);
    expect(v[12]).toBe(0.1);
  });
});
