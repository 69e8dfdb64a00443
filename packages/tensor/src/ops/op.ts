import type { Tensor } from '../tensor.js';

export type InputGrads = readonly (Tensor | null)[];

/**
 * A primitive: its forward and its backward side by side, and the names of what the forward keeps
 * for the backward (tfjs's `inputsToSave`). `backward` returns one gradient (or null) per input.
 */
export interface OpSpec<A, S> {
  readonly saves: readonly (keyof S & string)[];
  /** Outputs of a non-differentiable op (argmax, comparisons) never require a gradient. */
  readonly differentiable?: false;
  forward(inputs: readonly Tensor[], attrs: A): { out: Tensor; saved: S };
  backward(grad: Tensor, saved: S, attrs: A): InputGrads;
}

/** An op with its saved state hidden in the closure returned by `run` (micrograd's shape). */
export interface OpDef<A> {
  readonly saves: readonly string[];
  readonly differentiable: boolean;
  run(inputs: readonly Tensor[], attrs: A): { out: Tensor; backward: (grad: Tensor) => InputGrads };
}

export function defineOp<A, S>(spec: OpSpec<A, S>): OpDef<A> {
  return {
    saves: spec.saves,
    differentiable: spec.differentiable !== false,
    run(inputs, attrs) {
      const { out, saved } = spec.forward(inputs, attrs);
      return { out, backward: (grad) => spec.backward(grad, saved, attrs) };
    },
  };
}

export type NoAttrs = Record<string, never>;

export function input(inputs: readonly Tensor[], i: number): Tensor {
  const t = inputs[i];
  if (!t) throw new Error(`op expected an input at position ${i}`);
  return t;
}
