import { add, contiguous, matmul, reshape, slice, type Tensor, transpose } from '@ocellus/tensor';

/** What a recurrent net carries between steps: a hidden tensor, or named tensors (h and c). */
export type RecurrentState = Tensor | { readonly [name: string]: Tensor };

/** The same values cut from the graph, so a later backward stops here (truncated BPTT). */
export function detachState<S extends RecurrentState>(state: S): S {
  if (isTensor(state)) return state.detach() as S;
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(state)) out[name] = t.detach();
  return out as S;
}

function isTensor(state: RecurrentState): state is Tensor {
  return typeof (state as Tensor).detach === 'function';
}

export interface SequenceDims {
  n: number;
  t: number;
  d: number;
}

export function sequenceDims(x: Tensor, what: string): SequenceDims {
  if (x.ndim !== 3) throw new Error(`${what}: expected a sequence [N, T, D], got [${x.shape.join(', ')}]`);
  const [n, t, d] = x.shape as [number, number, number];
  if (t < 1) throw new Error(`${what}: the sequence has no time steps`);
  return { n, t, d };
}

/**
 * The input terms of every step in one GEMM: `x_t Wxᵀ + b` for all t, stored time-major as
 * `[T·N, K]` so that step t is the contiguous row block `[tN, (t+1)N)`.
 */
export function inputProjection(x: Tensor, weightX: Tensor, bias: Tensor, dims: SequenceDims): Tensor {
  const rows = reshape(contiguous(transpose(x, 0, 1)), [dims.t * dims.n, dims.d]);
  return add(matmul(rows, transpose(weightX)), bias);
}

export function stepRows(projection: Tensor, step: number, n: number): Tensor {
  return slice(projection, [[step * n, (step + 1) * n], null]);
}

/** Refuses a state that is not `[N, H]`, naming which one. */
export function checkState(state: Tensor, n: number, h: number, what: string): Tensor {
  if (state.ndim !== 2 || state.shape[0] !== n || state.shape[1] !== h) {
    throw new Error(`${what}: expected [${n}, ${h}], got [${state.shape.join(', ')}]`);
  }
  return state;
}
