import { type InitScheme, initWeight } from '@ocellus/nn/init';
import { matmul, Rng, randn, relu, type Tensor, tanh, variance } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

/** CS231n lecture 6: std of each layer's activations through 10 layers of 500 units. */
function layerStds(scheme: InitScheme, activation: (x: Tensor) => Tensor): number[] {
  const rng = new Rng(1);
  let h = randn([500, 500], rng);
  const stds: number[] = [];
  for (let layer = 0; layer < 10; layer++) {
    h = activation(matmul(h, initWeight(scheme, [500, 500], rng)));
    stds.push(Math.sqrt(variance(h).item()));
  }
  return stds;
}

describe('activation statistics through 10 layers of 500 units', () => {
  it('small random weights make tanh activations collapse towards 0', () => {
    const stds = layerStds('small', tanh);
    expect(stds.at(-1)! / stds[0]!).toBeLessThan(1e-3);
  });

  it('Xavier keeps tanh activations in a band', () => {
    const stds = layerStds('xavier', tanh);
    for (const s of stds) {
      expect(s).toBeGreaterThan(0.1);
      expect(s).toBeLessThan(1);
    }
    expect(stds.at(-1)! / stds[0]!).toBeGreaterThan(0.25);
  });

  it('He keeps ReLU activations from collapsing or exploding', () => {
    const stds = layerStds('he', relu);
    for (const s of stds) {
      expect(s / stds[0]!).toBeGreaterThan(0.5);
      expect(s / stds[0]!).toBeLessThan(2);
    }
  });

  it('Xavier, which ignores the ReLU halving the variance, lets ReLU activations shrink', () => {
    const stds = layerStds('xavier', relu);
    expect(stds.at(-1)! / stds[0]!).toBeLessThan(0.1);
  });
});
