import { BatchNorm1d, BatchNorm2d } from '@ocellus/nn/layers';
import { type Tensor, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { checkModule, expectAllClose, expectGradCheck, r64 } from './layers-helpers.js';

/** Per-channel mean and biased / unbiased variance of an `[N, C, ...]` tensor, by plain loops. */
function channelStats(x: Tensor): { mean: number[]; biased: number[]; unbiased: number[] } {
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  const inner = x.size / (n * c);
  const v = x.values();
  const at = (i: number, ch: number, k: number) => v[(i * c + ch) * inner + k]!;
  const mean: number[] = [];
  const biased: number[] = [];
  const unbiased: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < inner; k++) s += at(i, ch, k);
    const m = s / (n * inner);
    let q = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < inner; k++) q += (at(i, ch, k) - m) ** 2;
    mean.push(m);
    biased.push(q / (n * inner));
    unbiased.push(q / (n * inner - 1));
  }
  return { mean, biased, unbiased };
}

const shifted = (shape: number[]) =>
  tensor(
    [...r64(shape, -2, 3).values()].map((v, i) => v * (1 + (i % 3))),
    shape,
    {
      dtype: 'float64',
    },
  );

describe.each([
  ['BatchNorm1d [N, C]', () => new BatchNorm1d(3, { dtype: 'float64' }), [6, 3]],
  ['BatchNorm1d [N, C, L]', () => new BatchNorm1d(3, { dtype: 'float64' }), [4, 3, 5]],
  ['BatchNorm2d', () => new BatchNorm2d(3, { dtype: 'float64' }), [3, 3, 4, 2]],
] as const)('%s', (name, make, shape) => {
  it('normalises each channel to mean 0 and variance var / (var + eps) while training', () => {
    const x = shifted([...shape]);
    const stats = channelStats(make().forward(x));
    expectAllClose(stats.mean, [0, 0, 0], 0, 1e-12);
    expectAllClose(
      stats.biased,
      channelStats(x).biased.map((v) => v / (v + 1e-5)),
      1e-12,
    );
  });

  it('reaches the identity with gamma = sqrt(var + eps) and beta = mean', () => {
    const layer = make();
    const x = shifted([...shape]);
    const stats = channelStats(x);
    layer.weight.data.set(stats.biased.map((v) => Math.sqrt(v + layer.eps)));
    layer.bias.data.set(stats.mean);
    expectAllClose(layer.forward(x).values(), x.values(), 1e-12, 1e-12);
  });

  it('updates the running statistics with momentum 0.1 and the unbiased variance', () => {
    const layer = make();
    const x1 = shifted([...shape]);
    const x2 = shifted([...shape]);
    layer.forward(x1);
    layer.forward(x2);
    const [s1, s2] = [channelStats(x1), channelStats(x2)];
    const expectedMean = s1.mean.map((m, c) => 0.9 * (0.9 * 0 + 0.1 * m) + 0.1 * s2.mean[c]!);
    const expectedVar = s1.unbiased.map((v, c) => 0.9 * (0.9 * 1 + 0.1 * v) + 0.1 * s2.unbiased[c]!);
    expectAllClose(layer.runningMean.values(), expectedMean);
    expectAllClose(layer.runningVar.values(), expectedVar);
  });

  it('uses the running statistics at eval and leaves them unchanged', () => {
    const layer = make();
    layer.forward(shifted([...shape]));
    layer.weight.data.set([1.5, -0.5, 2]);
    layer.bias.data.set([0.1, 0.2, -0.3]);
    layer.eval();
    const [rm, rv] = [[...layer.runningMean.values()], [...layer.runningVar.values()]];
    const x = shifted([...shape]);
    const y = layer.forward(x).values();
    const xv = x.values();
    const inner = x.size / (shape[0] * 3);
    const expected = [...xv].map((v, i) => {
      const c = Math.floor(i / inner) % 3;
      return ((v - rm[c]!) / Math.sqrt(rv[c]! + 1e-5)) * [1.5, -0.5, 2][c]! + [0.1, 0.2, -0.3][c]!;
    });
    expectAllClose(y, expected);
    expect([...layer.runningMean.values()]).toEqual(rm);
    expect([...layer.runningVar.values()]).toEqual(rv);
  });

  // 1e-6, not 1e-7: the batch mean makes some input gradients ~1e-3, where the difference quotient's
  // absolute noise (~1e-10) alone is a relative 1e-7.
  it('passes a gradient check of input, gamma and beta through the batch statistics', () => {
    const layer = make();
    layer.weight.data.set([1.3, -0.7, 0.4]);
    layer.bias.data.set([0.2, -0.1, 0.5]);
    expectGradCheck(`${name} (training)`, checkModule(layer, shifted([...shape])), 1e-6);
  });

  it('passes a gradient check at eval (running statistics are constants)', () => {
    const layer = make();
    layer.forward(shifted([...shape]));
    layer.eval();
    expectGradCheck(`${name} (eval)`, checkModule(layer, shifted([...shape])), 1e-7);
  });
});

describe('BatchNorm parameters and errors', () => {
  it('holds gamma as weight and beta as bias, neither regularised, and the running stats as buffers', () => {
    const layer = new BatchNorm2d(4);
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(layer.regularizedParameters()).toEqual([]);
    expect(layer.namedBuffers().map(([n]) => n)).toEqual(['runningMean', 'runningVar']);
    expect([...layer.weight.values()]).toEqual([1, 1, 1, 1]);
  });

  it('refuses a wrong rank, a wrong channel count and a single value per channel', () => {
    expect(() => new BatchNorm2d(2).forward(tensor([[1, 2]]))).toThrow(/expected rank 4/);
    expect(() =>
      new BatchNorm1d(3).forward(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toThrow(/expected 3 channels/);
    expect(() => new BatchNorm1d(2).forward(tensor([[1, 2]]))).toThrow(/more than 1 value per channel/);
  });
});
