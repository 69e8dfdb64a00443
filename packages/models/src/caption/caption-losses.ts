import type { Box } from '@ocellus/contracts';
import { softmaxCrossEntropy } from '@ocellus/nn/losses';
import { div, mul, square, sub, sum, Tensor } from '@ocellus/tensor';
import { attentionSupervisionLoss, attentionTargets, type CellGrid } from './attention-supervision.js';
import type { TeacherForced } from './teacher-forced.js';

/**
 * Show, Attend and Tell 4.2.1's doubly stochastic penalty, `sum_i (1 - sum_t alpha_ti)^2` over the
 * cells i and a caption's steps t (its padding left out), averaged over the captions: every cell is
 * asked to get about as much attention over the whole caption.
 */
export function doublyStochastic(alpha: Tensor, mask: Float32Array): Tensor {
  const [n, steps] = alpha.shape as [number, number, number];
  const attended = sum(mul(alpha, new Tensor(mask, [n, steps, 1])), 1);
  return div(sum(square(sub(1, attended))), n);
}

/** Supervised attention: its weight, each caption's word boxes, and the grid the attention spans. */
export interface AttentionSupervision {
  weight: number;
  regions: readonly (readonly Box[])[];
  grid: CellGrid;
}

/**
 * The captioner's named losses: `words`, the cross-entropy of each true next word (and `<end>`)
 * averaged over the tokens of the batch; `attention`, the doubly stochastic penalty times its weight;
 * with `supervision`, `attentionTarget`, the supervision loss of attention-supervision.ts times its weight.
 */
export function captionLosses(
  out: TeacherForced,
  pad: number,
  penalty: number,
  supervision?: AttentionSupervision,
): Record<string, Tensor> {
  const losses: Record<string, Tensor> = {
    words: softmaxCrossEntropy(out.logits, out.forcing.targets, { ignoreIndex: pad }),
  };
  if (!out.alpha) return losses;
  if (penalty > 0) losses.attention = mul(doublyStochastic(out.alpha, out.forcing.mask), penalty);
  if (supervision && supervision.weight > 0) {
    const { targets, supervised } = attentionTargets(
      supervision.regions,
      out.forcing.steps,
      supervision.grid,
    );
    losses.attentionTarget = mul(
      attentionSupervisionLoss(out.alpha, targets, supervised),
      supervision.weight,
    );
  }
  return losses;
}
