import { type Tensor, zeros } from '@ocellus/tensor';
import { Module } from '../module.js';
import { type RecurrentOptions, recurrentWeight, zeroState } from './options.js';
import { type RnnParams, type RnnSequenceResult, rnnForward, rnnStep } from './rnn-cell.js';

/** Vanilla RNN layer over batch-first sequences `[N, T, D]`; parameters named as in `RnnParams`. */
export class RNN extends Module {
  readonly weightXH: Tensor;
  readonly weightHH: Tensor;
  readonly bias: Tensor;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentOptions = {},
  ) {
    super();
    this.weightXH = this.registerParameter(
      'weight_xh',
      recurrentWeight([hiddenSize, inputSize], hiddenSize, options),
      true,
    );
    this.weightHH = this.registerParameter(
      'weight_hh',
      recurrentWeight([hiddenSize, hiddenSize], hiddenSize, options),
      true,
    );
    this.bias = this.registerParameter('bias', zeros([hiddenSize], { dtype: options.dtype ?? 'float32' }));
  }

  cellParams(): RnnParams {
    return { weightXH: this.weightXH, weightHH: this.weightHH, bias: this.bias };
  }

  /** A zero hidden state for a batch of `n`, in the weights' dtype. */
  initialState(n: number): Tensor {
    return zeroState(n, this.hiddenSize, this.weightHH);
  }

  /** Runs the sequence from `h0` (zeros when omitted). */
  forward(x: Tensor, h0?: Tensor): RnnSequenceResult {
    return rnnForward(x, h0 ?? this.initialState(x.shape[0] ?? 0), this.cellParams());
  }

  step(x: Tensor, h: Tensor): Tensor {
    return rnnStep(x, h, this.cellParams());
  }
}
