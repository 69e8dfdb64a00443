import { abs, add, mul, square, sum, type Tensor } from '@ocellus/tensor';
import type { Module } from '../module.js';

/** A module (its `regularizedParameters()`: weights, not biases) or an explicit list of tensors. */
export type ParameterSource = Module | readonly Tensor[];

export function regularizedTensors(source: ParameterSource, what: string): readonly Tensor[] {
  const list = 'regularizedParameters' in source ? source.regularizedParameters() : source;
  if (list.length === 0) throw new Error(`${what}: no parameters to regularise`);
  return list;
}

function total(source: ParameterSource, what: string, term: (p: Tensor) => Tensor): Tensor {
  return regularizedTensors(source, what)
    .map((p) => sum(term(p)))
    .reduce((acc, t) => add(acc, t));
}

/**
 * L2 penalty `R(W) = sum W^2` with no 1/2 (CS231n), so `lambda R` has gradient `2 lambda W`; an
 * optimiser's `weightDecay: wd` adds `wd W` to the gradient, i.e. the same as `(wd / 2) R`.
 */
export function l2Penalty(source: ParameterSource): Tensor {
  return total(source, 'l2Penalty', square);
}

/** L1 penalty `R(W) = sum |W|`. */
export function l1Penalty(source: ParameterSource): Tensor {
  return total(source, 'l1Penalty', abs);
}

/** Elastic net `R(W) = sum (beta W^2 + |W|)` (CS231n), with the same no-1/2 L2 term as l2Penalty. */
export function elasticNetPenalty(source: ParameterSource, beta: number): Tensor {
  return total(source, 'elasticNetPenalty', (p) => add(mul(square(p), beta), abs(p)));
}
