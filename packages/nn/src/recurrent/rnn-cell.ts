import { add, matmul, stack, type Tensor, tanh, transpose } from '@ocellus/tensor';
import { checkState, inputProjection, sequenceDims, stepRows } from './state.js';

/** Vanilla RNN parameters in torch layout: `weightXH` `[H, D]`, `weightHH` `[H, H]`, `bias` `[H]`. */
export interface RnnParams {
  weightXH: Tensor;
  weightHH: Tensor;
  bias: Tensor;
}

export interface RnnSequenceResult {
  /** Every hidden state, `[N, T, H]`. */
  output: Tensor;
  /** The last hidden state, `[N, H]`. */
  h: Tensor;
}

function hiddenSize(p: RnnParams): number {
  return p.weightHH.shape[0]!;
}

/** One step: `h_t = tanh(W_hh h_{t-1} + W_xh x_t + b)` with row vectors, `x [N, D]`, `h [N, H]`. */
export function rnnStep(x: Tensor, h: Tensor, p: RnnParams): Tensor {
  checkState(h, x.shape[0]!, hiddenSize(p), 'rnnStep h');
  const pre = add(add(matmul(x, transpose(p.weightXH)), matmul(h, transpose(p.weightHH))), p.bias);
  return tanh(pre);
}

/** The whole sequence `x [N, T, D]` from `h0 [N, H]`; the input terms of all steps go in one GEMM. */
export function rnnForward(x: Tensor, h0: Tensor, p: RnnParams): RnnSequenceResult {
  const dims = sequenceDims(x, 'rnnForward');
  let h = checkState(h0, dims.n, hiddenSize(p), 'rnnForward h0');
  const projection = inputProjection(x, p.weightXH, p.bias, dims);
  const weightHHT = transpose(p.weightHH);
  const hs: Tensor[] = [];
  for (let t = 0; t < dims.t; t++) {
    h = tanh(add(stepRows(projection, t, dims.n), matmul(h, weightHHT)));
    hs.push(h);
  }
  return { output: stack(hs, 1), h };
}
