import {
  add,
  concat,
  matmul,
  mul,
  sigmoid,
  slice,
  stack,
  type Tensor,
  tanh,
  transpose,
} from '@ocellus/tensor';
import { checkState, inputProjection, sequenceDims, stepRows } from './state.js';

/**
 * LSTM parameters as in the CS231n notes: one weight `[4H, H + D]` acting on `[h_{t-1}; x_t]`
 * (the first H columns read h, the last D read x) and one bias `[4H]`, rows in gate order i, f, o, g.
 */
export interface LstmParams {
  weight: Tensor;
  bias: Tensor;
}

export interface LstmState {
  /** Hidden state `[N, H]`. */
  h: Tensor;
  /** Cell state `[N, H]`. */
  c: Tensor;
}

export interface LstmSequenceResult extends LstmState {
  /** Every hidden state, `[N, T, H]`. */
  output: Tensor;
}

export function lstmHiddenSize(p: LstmParams): number {
  const rows = p.weight.shape[0]!;
  if (p.weight.ndim !== 2 || rows % 4 !== 0) {
    throw new Error(`LSTM weight must be [4H, H + D], got [${p.weight.shape.join(', ')}]`);
  }
  return rows / 4;
}

/** i, f, o = σ(·), g = tanh(·); `c_t = f ⊙ c_{t-1} + i ⊙ g`, `h_t = o ⊙ tanh(c_t)`. */
function lstmUpdate(pre: Tensor, c: Tensor, hidden: number): LstmState {
  const ifo = sigmoid(slice(pre, [null, [0, 3 * hidden]]));
  const i = slice(ifo, [null, [0, hidden]]);
  const f = slice(ifo, [null, [hidden, 2 * hidden]]);
  const o = slice(ifo, [null, [2 * hidden, 3 * hidden]]);
  const g = tanh(slice(pre, [null, [3 * hidden, 4 * hidden]]));
  const next = add(mul(f, c), mul(i, g));
  return { h: mul(o, tanh(next)), c: next };
}

function checkLstmState(state: LstmState, n: number, hidden: number, what: string): void {
  checkState(state.h, n, hidden, `${what} h`);
  checkState(state.c, n, hidden, `${what} c`);
}

/** One step, literally `[i f o g] = W [h_{t-1}; x_t] + b` (captioners call it token by token). */
export function lstmStep(x: Tensor, state: LstmState, p: LstmParams): LstmState {
  const hidden = lstmHiddenSize(p);
  checkLstmState(state, x.shape[0]!, hidden, 'lstmStep');
  const pre = add(matmul(concat([state.h, x], 1), transpose(p.weight)), p.bias);
  return lstmUpdate(pre, state.c, hidden);
}

/**
 * The whole sequence `x [N, T, D]`: W splits into its h and x columns so the input terms of all
 * steps go in one GEMM, leaving one `h W_hᵀ` product per step.
 */
export function lstmForward(x: Tensor, state: LstmState, p: LstmParams): LstmSequenceResult {
  const dims = sequenceDims(x, 'lstmForward');
  const hidden = lstmHiddenSize(p);
  if (p.weight.shape[1] !== hidden + dims.d) {
    throw new Error(
      `lstmForward: weight [${p.weight.shape.join(', ')}] does not fit H = ${hidden}, D = ${dims.d}`,
    );
  }
  checkLstmState(state, dims.n, hidden, 'lstmForward');
  const weightHT = transpose(slice(p.weight, [null, [0, hidden]]));
  const projection = inputProjection(x, slice(p.weight, [null, [hidden, hidden + dims.d]]), p.bias, dims);
  let current = state;
  const hs: Tensor[] = [];
  for (let t = 0; t < dims.t; t++) {
    const pre = add(stepRows(projection, t, dims.n), matmul(current.h, weightHT));
    current = lstmUpdate(pre, current.c, hidden);
    hs.push(current.h);
  }
  return { output: stack(hs, 1), h: current.h, c: current.c };
}
