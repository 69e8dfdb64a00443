import { gather, logsumexp, reshape, sub, type Tensor } from '@ocellus/tensor';
import { checkLabels, checkScores, type Labels } from './labels.js';
import { type ClassLossOptions, reduceLoss } from './reduction.js';

/**
 * Softmax cross-entropy `L_i = -log softmax(s)_{y_i} = logsumexp(s) - s_{y_i}` for scores `[N, C]`:
 * logSoftmax gathered at the label, with the max shifted out inside logsumexp so it never overflows.
 */
export function softmaxCrossEntropy(scores: Tensor, labels: Labels, options: ClassLossOptions = {}): Tensor {
  const [n, c] = checkScores(scores, 'softmaxCrossEntropy');
  const { index, mask } = checkLabels(labels, n, c, options.ignoreIndex);
  const correct = reshape(gather(scores, 1, index, [n, 1]), [n]);
  const perSample = sub(logsumexp(scores, 1), correct);
  return reduceLoss(perSample, options.reduction, options.weights, mask ?? undefined);
}
