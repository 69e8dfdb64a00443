import { Linear } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import { additiveEnergy, matmul, type Rng, reshape, softmax, type Tensor, unsqueeze } from '@ocellus/tensor';

/** What one attention step gives: the context `[N, channels]` and the weights `[N, cells]` (rows sum to 1). */
export interface Attended {
  context: Tensor;
  alpha: Tensor;
}

/**
 * Soft additive attention (Show, Attend and Tell 4.2.2, after Bahdanau et al.):
 * `e_i = v^T tanh(W_f a_i + W_h h + b)`, `alpha = softmax(e)` over the cells, context `sum_i alpha_i a_i`.
 * The cells' term `W_f a_i + b` (`features`) is the same at every step: the caller projects the cells
 * once per image (the encoder's grid does) and passes them as `keys`. With
 * coverage (Tu et al. 2016, "Modeling Coverage for Neural Machine Translation") the energy also reads
 * `w_c cov_i`, the attention cell i has had so far, so a caption can tell the digits it has read.
 */
export class SoftAttention extends Module {
  readonly features: Linear;
  readonly hidden: Linear;
  readonly score: Linear;
  readonly coverage: Linear | null;

  constructor(channels: number, hiddenDim: number, attentionDim: number, coverage: boolean, rng: Rng) {
    super();
    this.features = this.registerModule(
      'features',
      new Linear(channels, attentionDim, { init: 'xavier', rng }),
    );
    this.hidden = this.registerModule(
      'hidden',
      new Linear(hiddenDim, attentionDim, { init: 'xavier', rng, bias: false }),
    );
    this.score = this.registerModule(
      'score',
      new Linear(attentionDim, 1, { init: 'xavier', rng, bias: false }),
    );
    this.coverage = coverage
      ? this.registerModule('coverage', new Linear(1, attentionDim, { init: 'xavier', rng, bias: false }))
      : null;
  }

  /**
   * Attends from hidden states `h [K, hiddenDim]` over `cells` and their `keys` (K images, or one
   * image's, broadcast over K hypotheses), given the attention so far `coverage [K, cells]` when the
   * module reads it. The energies are one op (additiveEnergy) over the `score` and `coverage` weights,
   * instead of a broadcast add, tanh and product through [K, cells, attentionDim] tensors.
   */
  forward(cells: Tensor, keys: Tensor, h: Tensor, coverage: Tensor | null): Attended {
    const k = h.shape[0]!;
    const covered = this.coverage && coverage ? { coverage, weight: this.coverage.weight } : null;
    const energies = additiveEnergy(keys, this.hidden.forward(h), this.score.weight, covered);
    const alpha = softmax(energies, 1);
    const context = reshape(matmul(unsqueeze(alpha, 1), cells), [k, cells.shape[2]!]);
    return { context, alpha };
  }
}
