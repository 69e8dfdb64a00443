import { abs, lt, mul, square, sub, type Tensor, where } from '@ocellus/tensor';
import { type LossOptions, reduceLoss } from './reduction.js';

function difference(prediction: Tensor, target: Tensor, what: string): Tensor {
  if (prediction.shape.join() !== target.shape.join()) {
    throw new Error(
      `${what}: prediction [${prediction.shape.join(', ')}] and target [${target.shape.join(', ')}] differ in shape`,
    );
  }
  return sub(prediction, target);
}

/** Mean absolute error, element-wise `|p - t|`. */
export function l1Loss(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  return reduceLoss(abs(difference(prediction, target, 'l1Loss')), options.reduction, options.weights);
}

/** Squared error (L2 / MSE), element-wise `(p - t)^2`. */
export function mseLoss(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  return reduceLoss(square(difference(prediction, target, 'mseLoss')), options.reduction, options.weights);
}

export interface SmoothL1Options extends LossOptions {
  /** Where the quadratic turns linear (torch's beta, default 1; 0 gives plain L1). */
  beta?: number;
}

/** Smooth L1 (Fast R-CNN, torch semantics): `0.5 d^2 / beta` for `|d| < beta`, else `|d| - 0.5 beta`. */
export function smoothL1Loss(prediction: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new Error(`smoothL1Loss: beta must be >= 0, got ${beta}`);
  const d = difference(prediction, target, 'smoothL1Loss');
  const a = abs(d);
  // beta = 0 is exactly L1; the quadratic branch would divide by zero.
  const elementwise = beta === 0 ? a : where(lt(a, beta), mul(square(d), 0.5 / beta), sub(a, 0.5 * beta));
  return reduceLoss(elementwise, options.reduction, options.weights);
}
