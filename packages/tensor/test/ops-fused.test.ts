import * as T from '@ocellus/tensor';
import { Rng, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { maxScaledError } from './scaled-error.js';

// The fused ops against the primitives they replace, in float32 on odd shapes.
const rng = new Rng(11);
const r = (shape: number[], low = -1, high = 1) => T.rand(shape, rng, { low, high });

/** Gradients of sum(out * upstream) with respect to `inputs`, through `fn`. */
function gradients(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], upstream: Tensor): Tensor[] {
  const leaves = inputs.map((t) => T.tensor(t.values(), t.shape, { requiresGrad: true }));
  T.sum(T.mul(fn(...leaves), upstream)).backward();
  return leaves.map((t) => t.grad!);
}

describe('linear', () => {
  it.each([
    [1, 1, 1],
    [7, 13, 5],
    [64, 400, 120],
    [3, 17, 33],
  ])('matches matmul + bias + relu at %i x %i -> %i, values and gradients', (m, k, n) => {
    const inputs = [r([m, k]), r([n, k]), r([n])];
    const upstream = r([m, n]);
    const fused = (x: Tensor, w: Tensor, b: Tensor) => T.linear(x, w, b, { activation: 'relu' });
    const composed = (x: Tensor, w: Tensor, b: Tensor) => T.relu(T.add(T.matmul(x, T.transpose(w)), b));
    expect(
      maxScaledError(
        fused(...(inputs as [Tensor, Tensor, Tensor])),
        composed(...(inputs as [Tensor, Tensor, Tensor])),
      ),
    ).toBeLessThan(1e-6);
    const a = gradients(fused as (...xs: Tensor[]) => Tensor, inputs, upstream);
    const b = gradients(composed as (...xs: Tensor[]) => Tensor, inputs, upstream);
    a.forEach((g, i) => {
      expect(maxScaledError(g, b[i]!)).toBeLessThan(1e-5);
    });
  });

  it('refuses a weight whose input size does not match', () => {
    expect(() => T.linear(r([2, 3]), r([4, 5]))).toThrow(/does not match/);
  });
});

describe('softmaxCrossEntropy', () => {
  it.each([
    [1, 1],
    [5, 3],
    [64, 10],
    [7, 29],
  ])('matches logsumexp - gather at %i x %i, values and gradients', (n, c) => {
    const labels = Array.from({ length: n }, (_, i) => (i * 7) % c);
    const scores = r([n, c], -20, 20);
    const upstream = r([n]);
    const fused = (s: Tensor) => T.softmaxCrossEntropy(s, labels);
    const composed = (s: Tensor) =>
      T.sub(T.logsumexp(s, 1), T.reshape(T.gather(s, 1, Int32Array.from(labels), [n, 1]), [n]));
    expect(maxScaledError(fused(scores), composed(scores))).toBeLessThan(1e-6);
    const [a] = gradients(fused, [scores], upstream);
    const [b] = gradients(composed, [scores], upstream);
    expect(maxScaledError(a!, b!)).toBeLessThan(1e-5);
  });

  it('stays finite for huge scores and refuses labels out of range', () => {
    const loss = T.softmaxCrossEntropy(T.tensor([[1000, -1000, 0]]), [1]);
    expect(loss.item()).toBeCloseTo(2000, 3);
    expect(() => T.softmaxCrossEntropy(T.tensor([[1, 2]]), [2])).toThrow(/not in \[0, 2\)/);
  });
});

describe('conv2d with a fused ReLU', () => {
  it('matches relu(conv2d) on LeNet-like odd shapes, values and gradients', () => {
    const inputs = [r([3, 2, 9, 7]), r([5, 2, 3, 3]), r([5])];
    const upstream = r([3, 5, 9, 7]);
    const fused = (x: Tensor, w: Tensor, b: Tensor) => T.conv2d(x, w, b, { padding: 1, activation: 'relu' });
    const composed = (x: Tensor, w: Tensor, b: Tensor) => T.relu(T.conv2d(x, w, b, { padding: 1 }));
    const args = inputs as [Tensor, Tensor, Tensor];
    expect(maxScaledError(fused(...args), composed(...args))).toBe(0);
    const a = gradients(fused as (...xs: Tensor[]) => Tensor, inputs, upstream);
    const b = gradients(composed as (...xs: Tensor[]) => Tensor, inputs, upstream);
    a.forEach((g, i) => {
      expect(maxScaledError(g, b[i]!)).toBeLessThan(1e-6);
    });
  });
});

describe('conv2d with a fused 2x2 max-pool', () => {
  const inputs = [r([3, 2, 10, 9]), r([5, 2, 3, 3]), r([5])] as [Tensor, Tensor, Tensor];
  const fused = (x: Tensor, w: Tensor, b: Tensor) =>
    T.conv2d(x, w, b, { padding: 1, activation: 'relu', pool: true });
  const composed = (x: Tensor, w: Tensor, b: Tensor) =>
    T.maxPool2d(T.relu(T.conv2d(x, w, b, { padding: 1 })), 2);

  it('pools inside the op where no gradient is wanted: the values of the ops it replaces', () => {
    const out = T.noGrad(() =>
      fused(
        ...(inputs.map((t) => T.tensor(t.values(), t.shape, { requiresGrad: true })) as [
          Tensor,
          Tensor,
          Tensor,
        ]),
      ),
    );
    expect(out.shape).toEqual([3, 5, 5, 4]);
    expect(maxScaledError(out, composed(...inputs))).toBe(0);
    expect(fused(...inputs).node).toBeNull();
  });

  it('runs as conv2d then maxPool2d when a gradient is wanted, with their gradients', () => {
    const upstream = r([3, 5, 5, 4]);
    const leaves = inputs.map((t) => T.tensor(t.values(), t.shape, { requiresGrad: true }));
    expect(fused(...(leaves as [Tensor, Tensor, Tensor])).node?.op).toBe('maxPool2d');
    const a = gradients(fused as (...xs: Tensor[]) => Tensor, inputs, upstream);
    const b = gradients(composed as (...xs: Tensor[]) => Tensor, inputs, upstream);
    a.forEach((g, i) => {
      expect(maxScaledError(g, b[i]!)).toBe(0);
    });
  });
});

describe('batchNorm', () => {
  /** The textbook composition: (x - mean) / sqrt(var + eps) * gamma + beta over axes other than 1. */
  function composed(x: Tensor, w: Tensor, b: Tensor): Tensor {
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const shape = x.shape.map((d, i) => (i === 1 ? d : 1));
    const centred = T.sub(x, T.mean(x, axes, true));
    const variance = T.mean(T.mul(centred, centred), axes, true);
    const xhat = T.div(centred, T.sqrt(T.add(variance, 1e-5)));
    return T.relu(T.add(T.mul(xhat, T.reshape(w, shape)), T.reshape(b, shape)));
  }

  it.each([[[5, 1]], [[3, 5, 7]], [[4, 3, 5, 7]], [[64, 16, 6, 6]]])(
    'matches the composed batch statistics and ReLU over %j, values and gradients',
    (shape) => {
      const c = shape[1]!;
      const inputs = [r(shape, -2, 3), r([c], 0.5, 2), r([c])];
      const upstream = r(shape);
      const fused = (x: Tensor, w: Tensor, b: Tensor) => T.batchNorm(x, w, b, { activation: 'relu' });
      const args = inputs as [Tensor, Tensor, Tensor];
      expect(maxScaledError(fused(...args), composed(...args))).toBeLessThan(1e-5);
      const a = gradients(fused as (...xs: Tensor[]) => Tensor, inputs, upstream);
      const b = gradients(composed as (...xs: Tensor[]) => Tensor, inputs, upstream);
      a.forEach((g, i) => {
        expect(maxScaledError(g, b[i]!)).toBeLessThan(1e-4);
      });
    },
  );

  it('reports the batch mean and biased variance it normalised with', () => {
    const x = T.tensor([1, 2, 3, 5, 4, 6, 7, 9], [2, 2, 2]);
    let seen: number[][] = [];
    T.batchNorm(x, T.tensor([1, 1]), T.tensor([0, 0]), {
      record: (mean, variance) => {
        seen = [Array.from(mean), Array.from(variance)];
      },
    });
    // Channel 0 holds 1, 2, 4, 6; channel 1 holds 3, 5, 7, 9.
    expect(seen).toEqual([
      [3.25, 6],
      [3.6875, 5],
    ]);
  });
});
