import { softmaxCrossEntropy as perRowCrossEntropy, type Tensor } from '@ocellus/tensor';
import { checkLabels, checkScores, type Labels } from './labels.js';
import { type ClassLossOptions, reduceLoss } from './reduction.js';

/**
 * Softmax cross-entropy `L_i = -log softmax(s)_{y_i} = logsumexp(s) - s_{y_i}` for scores `[N, C]`:
 * one fused op (max shifted out so it never overflows; backward softmax - onehot).
 */
export function softmaxCrossEntropy(scores: Tensor, labels: Labels, options: ClassLossOptions = {}): Tensor {
  const [n, c] = checkScores(scores, 'softmaxCrossEntropy');
  const { index, mask } = checkLabels(labels, n, c, options.ignoreIndex);
  const perSample = perRowCrossEntropy(scores, index);
  return reduceLoss(perSample, options.reduction, options.weights, mask ?? undefined);
}
