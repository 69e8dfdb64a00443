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
 * `w_c cov_i`, the attention cell i has had so far, so a caption can tell the digits it has read. With
 * `order` it reads `w_o d_i` instead, how far right of the last word's centre the word at cell i lies.
 */
export class SoftAttention extends Module {
  readonly features: Linear;
  readonly hidden: Linear;
  readonly score: Linear;
  readonly coverage: Linear | null;
  readonly order: Linear | null;

  constructor(
    channels: number,
    hiddenDim: number,
    attentionDim: number,
    cellTerm: 'coverage' | 'order' | null,
    rng: Rng,
  ) {
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
    const term = (name: 'coverage' | 'order') =>
      cellTerm === name
        ? this.registerModule(name, new Linear(1, attentionDim, { init: 'xavier', rng, bias: false }))
        : null;
    this.coverage = term('coverage');
    this.order = term('order');
  }

  /**
   * Attends from hidden states `h [K, hiddenDim]` over `cells` and their `keys` (K images, or one
   * image's, broadcast over K hypotheses), given the per-cell term `[K, cells]` the module reads: the
   * attention so far with `coverage`, the offsets from the last word with `order`. The energies are one op
   * (additiveEnergy) over the `score` and the term's weights, instead of a broadcast add, tanh and product
   * through [K, cells, attentionDim] tensors.
   */
  forward(cells: Tensor, keys: Tensor, h: Tensor, cellTerm: Tensor | null): Attended {
    const k = h.shape[0]!;
    const weight = (this.coverage ?? this.order)?.weight;
    const covered = weight && cellTerm ? { coverage: cellTerm, weight } : null;
    const energies = additiveEnergy(keys, this.hidden.forward(h), this.score.weight, covered);
    const alpha = softmax(energies, 1);
    const context = reshape(matmul(unsqueeze(alpha, 1), cells), [k, cells.shape[2]!]);
    return { context, alpha };
  }
}
