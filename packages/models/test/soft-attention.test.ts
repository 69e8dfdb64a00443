import {
  add,
  contiguous,
  expand,
  noGrad,
  Rng,
  rand,
  reshape,
  softmax,
  type Tensor,
  tanh,
  unsqueeze,
} from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { SoftAttention } from '../src/caption/soft-attention.js';

// Odd sizes: K = 3 rows over C = 7 cells of 5 channels, hidden 6, attention 4.
const [K, C, CHANNELS, HIDDEN, ATTENTION] = [3, 7, 5, 6, 4];

function maxDifference(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const av = a.values();
  const bv = b.values();
  let worst = 0;
  for (let i = 0; i < av.length; i++) worst = Math.max(worst, Math.abs(av[i]! - bv[i]!));
  return worst;
}

/** Show, Attend and Tell's alpha from the module's layers one by one, as it computed them before the fused op. */
function layerByLayer(module: SoftAttention, keys: Tensor, h: Tensor, term: Tensor): Tensor {
  let pre = add(keys, unsqueeze(module.hidden.forward(h), 1));
  const termLayer = module.coverage ?? module.order;
  if (termLayer) pre = add(pre, termLayer.forward(unsqueeze(term, 2)));
  return softmax(reshape(module.score.forward(tanh(pre)), [K, C]), 1);
}

describe('SoftAttention', () => {
  it.each([null, 'coverage', 'order'] as const)(
    'keeps its layers and computes alpha = softmax(v tanh(W_f a + W_h h + w term)) from them (term %s)',
    (cellTerm) => {
      const module = new SoftAttention(CHANNELS, HIDDEN, ATTENTION, cellTerm, new Rng(1));
      expect(module.namedParameters().map(([name, p]) => [name, p.shape])).toEqual([
        ['features.weight', [ATTENTION, CHANNELS]],
        ['features.bias', [ATTENTION]],
        ['hidden.weight', [ATTENTION, HIDDEN]],
        ['score.weight', [1, ATTENTION]],
        ...(cellTerm ? [[`${cellTerm}.weight`, [ATTENTION, 1]]] : []),
      ]);
      const rng = new Rng(2);
      const cells = rand([K, C, CHANNELS], rng, { low: -1, high: 1 });
      const h = rand([K, HIDDEN], rng, { low: -1, high: 1 });
      const term = rand([K, C], rng, { low: -2, high: 2 });
      noGrad(() => {
        const keys = module.features.forward(cells);
        const { alpha } = module.forward(cells, keys, h, term);
        expect(maxDifference(alpha, layerByLayer(module, keys, h, term))).toBeLessThan(1e-6);
      });
    },
  );

  it("attends the same from one image's keys shared by K hypotheses as from the keys repeated K times", () => {
    const module = new SoftAttention(CHANNELS, HIDDEN, ATTENTION, 'coverage', new Rng(3));
    const rng = new Rng(4);
    const cells = rand([1, C, CHANNELS], rng, { low: -1, high: 1 });
    const h = rand([K, HIDDEN], rng, { low: -1, high: 1 });
    const coverage = rand([K, C], rng, { low: 0, high: 2 });
    noGrad(() => {
      const shared = module.forward(cells, module.features.forward(cells), h, coverage);
      const repeatedCells = contiguous(expand(cells, [K, C, CHANNELS]));
      const repeated = module.forward(repeatedCells, module.features.forward(repeatedCells), h, coverage);
      expect(maxDifference(shared.alpha, repeated.alpha)).toBeLessThan(1e-7);
      expect(maxDifference(shared.context, repeated.context)).toBeLessThan(1e-6);
    });
  });
});
