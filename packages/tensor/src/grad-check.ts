import { noGrad } from './autograd.js';
import { randn } from './creation.js';
import { mul } from './functional/arithmetic.js';
import { sum } from './functional/reduce.js';
import { Rng } from './rng.js';
import type { Tensor } from './tensor.js';

export interface GradCheckOptions {
  /** Step of the centred difference (REFERENCE.md: 1e-5 in float64). */
  h?: number;
  /** Floor of the relative error's denominator. */
  floor?: number;
  /** Seed of the random upstream gradient used when `fn` returns a non-scalar. */
  seed?: number;
  /** Which inputs to check (default: all). */
  wrt?: readonly number[];
}

export interface GradCheckWorst {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradCheckResult {
  /** max over every checked element of |a - n| / max(|a|, |n|, floor). */
  maxRelError: number;
  /** Max relative error per input (NaN for inputs not checked). */
  perInput: number[];
  worst: GradCheckWorst | null;
  checked: number;
}

/**
 * Element-wise central-difference gradient check in float64 (CS231n gradient_check.py): non-scalar
 * outputs are contracted with a fixed random upstream gradient so every output element counts.
 */
export function gradCheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradCheckOptions = {},
): GradCheckResult {
  const h = options.h ?? 1e-5;
  const floor = options.floor ?? 1e-8;
  const wrt = options.wrt ?? inputs.map((_, i) => i);
  for (const t of inputs) {
    if (t.dtype !== 'float64')
      throw new Error('gradCheck needs float64 inputs (float32 is too noisy to trust)');
    if (!t.isContiguous() || t.offset !== 0) throw new Error('gradCheck needs contiguous inputs');
  }
  wrt.forEach((i) => {
    inputs[i]!.requireGrad();
    inputs[i]!.zeroGrad();
  });
  const first = fn(...inputs);
  const upstream = randn(first.shape, new Rng(options.seed ?? 1234), { dtype: 'float64' });
  const objective = (out: Tensor) => sum(mul(out, upstream));
  objective(first).backward();

  const perInput = inputs.map(() => Number.NaN);
  let worst: GradCheckWorst | null = null;
  let maxRelError = 0;
  let checked = 0;
  noGrad(() => {
    for (const i of wrt) {
      const t = inputs[i]!;
      const analytic = t.grad?.values();
      let inputMax = 0;
      for (let e = 0; e < t.size; e++) {
        const saved = t.data[e]!;
        t.data[e] = saved + h;
        const plus = objective(fn(...inputs)).item();
        t.data[e] = saved - h;
        const minus = objective(fn(...inputs)).item();
        t.data[e] = saved;
        const numeric = (plus - minus) / (2 * h);
        const a = analytic ? analytic[e]! : 0;
        const err = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), floor);
        checked++;
        if (!(err <= inputMax)) inputMax = err;
        if (!(err <= maxRelError)) {
          maxRelError = err;
          worst = { input: i, index: e, analytic: a, numeric };
        }
      }
      perInput[i] = inputMax;
    }
  });
  return { maxRelError, perInput, worst, checked };
}
