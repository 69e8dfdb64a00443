import type { Tensor } from '@ocellus/tensor';
import { detachState, type RecurrentState } from './state.js';

export interface TbpttChunk<S extends RecurrentState> {
  /** Scalar loss of the steps `[start, end)`. */
  loss: Tensor;
  /** The state after step `end - 1`, still attached to the graph. */
  state: S;
}

export interface TbpttChunkDone {
  index: number;
  start: number;
  end: number;
  loss: number;
}

export interface TbpttOptions<S extends RecurrentState> {
  /** Sequence length T. */
  length: number;
  /** Steps per backward pass (>= T gives full backpropagation through time). */
  chunk: number;
  initial: S;
  /** Runs steps `[start, end)` from `state` and returns their loss and the state they end in. */
  run: (start: number, end: number, state: S) => TbpttChunk<S>;
  /** Called after each chunk's backward, e.g. to step an optimiser and clear gradients. */
  afterBackward?: (done: TbpttChunkDone) => void;
}

export interface TbpttResult<S extends RecurrentState> {
  /** Loss of each chunk. */
  losses: number[];
  /** The final state, detached. */
  state: S;
}

/**
 * Truncated backpropagation through time: backward every `chunk` steps, then carry the state on
 * detached so no later gradient flows past the chunk boundary.
 */
export function truncatedBptt<S extends RecurrentState>(options: TbpttOptions<S>): TbpttResult<S> {
  const { length, chunk } = options;
  if (!Number.isInteger(chunk) || chunk < 1)
    throw new Error(`truncatedBptt: chunk must be >= 1, got ${chunk}`);
  if (!Number.isInteger(length) || length < 1) {
    throw new Error(`truncatedBptt: length must be >= 1, got ${length}`);
  }
  const losses: number[] = [];
  let state = options.initial;
  for (let start = 0, index = 0; start < length; start += chunk, index++) {
    const end = Math.min(start + chunk, length);
    const out = options.run(start, end, state);
    if (out.loss.size !== 1) throw new Error('truncatedBptt: run must return a scalar loss');
    if (out.loss.requiresGrad) out.loss.backward();
    const loss = out.loss.item();
    losses.push(loss);
    options.afterBackward?.({ index, start, end, loss });
    state = detachState(out.state);
  }
  return { losses, state };
}
