import { add, gather, mul, relu, sub, sum, type Tensor, tensor } from '@ocellus/tensor';
import { checkLabels, checkScores, type Labels } from './labels.js';
import { type ClassLossOptions, reduceLoss } from './reduction.js';

export interface SvmLossOptions extends ClassLossOptions {
  /** The margin Delta (CS231n: 1). */
  margin?: number;
}

/**
 * Multiclass SVM (Weston-Watkins hinge, CS231n): `L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + margin)`
 * for scores `[N, C]`, one row per sample.
 */
export function svmLoss(scores: Tensor, labels: Labels, options: SvmLossOptions = {}): Tensor {
  const [n, c] = checkScores(scores, 'svmLoss');
  const { index, mask } = checkLabels(labels, n, c, options.ignoreIndex);
  const correct = gather(scores, 1, index, [n, 1]);
  const margins = relu(add(sub(scores, correct), options.margin ?? 1));
  const others = new Float64Array(n * c).fill(1);
  for (let i = 0; i < n; i++) others[i * c + index[i]!] = 0;
  const perSample = sum(mul(margins, tensor(others, [n, c], { dtype: scores.dtype })), 1);
  return reduceLoss(perSample, options.reduction, options.weights, mask ?? undefined);
}
