import { apply } from '../apply.js';
import { noGrad } from '../autograd.js';
import type { Tensor } from '../tensor.js';
import { add, div, exp, log, sub } from './arithmetic.js';
import { max, sum } from './reduce.js';
import { squeeze } from './shape-ops.js';

/** Max along `axis` as a constant: shifting by it changes nothing mathematically but keeps exp finite. */
function shift(x: Tensor, axis: number): Tensor {
  return noGrad(() => max(x, axis, true)).detach();
}

export function logsumexp(x: Tensor, axis = -1, keepDims = false): Tensor {
  const m = shift(x, axis);
  const out = add(log(sum(exp(sub(x, m)), axis, true)), m);
  return keepDims ? out : squeeze(out, axis);
}

/** (x - m) - log(sum(exp(x - m))): subtracting m first keeps float32's digits when x is large. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const shifted = sub(x, shift(x, axis));
  return sub(shifted, log(sum(exp(shifted), axis, true)));
}

export function softmax(x: Tensor, axis = -1): Tensor {
  const e = exp(sub(x, shift(x, axis)));
  return div(e, sum(e, axis, true));
}

/** Per-row loss -log softmax(scores)[label] of scores [N, C], one fused op (labels in [0, C)). */
export function softmaxCrossEntropy(scores: Tensor, labels: Int32Array | readonly number[]): Tensor {
  return apply('softmaxCrossEntropy', [scores], { labels: Int32Array.from(labels) });
}
