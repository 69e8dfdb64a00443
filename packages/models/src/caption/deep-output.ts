import { Linear } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import { add, type DType, type Rng, type Tensor, tanh } from '@ocellus/tensor';

/**
 * Show, Attend and Tell's deep output layer (eq. 7, children `read` and `word`): `tanh(L_hz [h_t; z_t] +
 * L_e E y_{t-1})`, a hidden layer between the step and the word scores, so that the scores are not
 * linear in the attended features.
 */
export class DeepOutput extends Module {
  readonly read: Linear;
  readonly word: Linear;

  constructor(readWidth: number, wordvecDim: number, width: number, options: { rng: Rng; dtype?: DType }) {
    super();
    const init = { init: 'xavier' as const, ...options };
    this.read = this.registerModule('read', new Linear(readWidth, width, init));
    this.word = this.registerModule('word', new Linear(wordvecDim, width, { ...init, bias: false }));
  }

  /** `read [K, readWidth]` and the previous words' embeddings `[K, wordvecDim]` to `[K, width]`. */
  forward(read: Tensor, embedded: Tensor): Tensor {
    return tanh(add(this.read.forward(read), this.word.forward(embedded)));
  }
}
