import { add, exp, log, mul, neg, noGrad, relu, sub, type Tensor } from '@ocellus/tensor';
import { type LossOptions, reduceLoss } from './reduction.js';

export interface BceWithLogitsOptions extends LossOptions {
  /** torch's pos_weight: scales the positive term, broadcast over the last axis (one per class). */
  posWeight?: Tensor;
}

/**
 * `log(1 + exp(-x))` as `m + log(exp(-m) + exp(-x - m))` with the constant shift `m = max(-x, 0)`:
 * finite for any x, and exact in value and gradient everywhere, also at x = 0.
 */
function softplusOfNegative(x: Tensor): Tensor {
  const m = noGrad(() => relu(neg(x))).detach();
  return add(m, log(add(exp(neg(m)), exp(sub(neg(x), m)))));
}

/**
 * Binary cross-entropy on logits `x` against targets `z` in [0, 1]:
 * `(1 - z) x + (1 + (p - 1) z) log(1 + exp(-x))`, which for p = 1 is the stable
 * `max(x, 0) - x z + log(1 + exp(-|x|))`.
 */
export function bceWithLogits(logits: Tensor, targets: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  if (logits.shape.join() !== targets.shape.join()) {
    throw new Error(
      `bceWithLogits: logits [${logits.shape.join(', ')}] and targets [${targets.shape.join(', ')}] differ in shape`,
    );
  }
  const sp = softplusOfNegative(logits);
  const negativeTerm = mul(sub(1, targets), logits);
  const { posWeight } = options;
  const positiveScale = posWeight ? add(mul(sub(posWeight, 1), targets), 1) : null;
  const elementwise = add(negativeTerm, positiveScale ? mul(positiveScale, sp) : sp);
  return reduceLoss(elementwise, options.reduction, options.weights);
}
