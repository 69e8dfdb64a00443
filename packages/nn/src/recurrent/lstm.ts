import { type Tensor, zeros } from '@ocellus/tensor';
import { Module } from '../module.js';
import {
  type LstmParams,
  type LstmSequenceResult,
  type LstmState,
  lstmForward,
  lstmStep,
} from './lstm-cell.js';
import { type RecurrentOptions, recurrentWeight, zeroState } from './options.js';

/** LSTM layer over batch-first sequences `[N, T, D]` with one concatenated weight `[4H, H + D]`. */
export class LSTM extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentOptions = {},
  ) {
    super();
    this.weight = this.registerParameter(
      'weight',
      recurrentWeight([4 * hiddenSize, hiddenSize + inputSize], hiddenSize, options),
    );
    this.bias = this.registerParameter(
      'bias',
      zeros([4 * hiddenSize], { dtype: options.dtype ?? 'float32' }),
    );
  }

  cellParams(): LstmParams {
    return { weight: this.weight, bias: this.bias };
  }

  /** Zero hidden and cell states for a batch of `n`, in the weight's dtype. */
  initialState(n: number): LstmState {
    return { h: zeroState(n, this.hiddenSize, this.weight), c: zeroState(n, this.hiddenSize, this.weight) };
  }

  /** Runs the sequence from `state` (zeros when omitted). */
  forward(x: Tensor, state?: LstmState): LstmSequenceResult {
    return lstmForward(x, state ?? this.initialState(x.shape[0] ?? 0), this.cellParams());
  }

  step(x: Tensor, state: LstmState): LstmState {
    return lstmStep(x, state, this.cellParams());
  }
}
