import type { NetworkShape } from '@ocellus/contracts';
import { Dropout, Embedding, Linear } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import { LSTM, RNN } from '@ocellus/nn/recurrent';
import { add, concat, flatten, mean, type Rng, Tensor, zeros } from '@ocellus/tensor';
import { type MapShape, stackOptions } from '../networks/stacks.js';
import type { CaptionerArchitecture } from './captioner-architecture.js';
import { cellStep, type DecoderState } from './decoder-state.js';
import { DeepOutput } from './deep-output.js';
import { ImageEncoder } from './image-encoder.js';
import { SoftAttention } from './soft-attention.js';

/** What the decoder reads of a batch of images: cell features `[N, cells, channels]` and their attention keys. */
export interface CaptionMemory {
  cells: Tensor;
  keys: Tensor | null;
}

/** One decoding step: scores over the vocabulary `[K, V]`, the next state, and the weights over the cells. */
export interface DecoderStep {
  logits: Tensor;
  state: DecoderState;
  alpha: Tensor | null;
}

/**
 * The captioning network (CS231n assignment 3, Show, Attend and Tell): a conv encoder, a word
 * embedding, an RNN or LSTM cell started from an affine map of the image's vector, and an affine map
 * to word scores (or the deep output layer, `deepOutput`). With attention the cell reads `[E y_{t-1}; z_t]`
 * with `z_t` attended from `h_{t-1}`, and the scores read `[h_t; z_t]`; the image's vector is the mean cell feature. Without,
 * the cell reads `E y_{t-1}` and the vector is the whole grid, flattened: the state is all the
 * decoder ever sees of the image, so it keeps where each feature lies.
 */
export class CaptionerNet extends Module {
  readonly encoder: ImageEncoder;
  readonly embedding: Embedding;
  readonly cell: RNN | LSTM;
  readonly initH: Linear;
  readonly initC: Linear | null;
  readonly attention: SoftAttention | null;
  readonly dropout: Dropout;
  readonly deep: DeepOutput | null;
  readonly output: Linear;

  constructor(arch: CaptionerArchitecture, shape: NetworkShape, rng: Rng) {
    super();
    const stack = stackOptions(arch.activation, shape, rng);
    this.encoder = this.registerModule(
      'encoder',
      new ImageEncoder(arch, shape.inputShape as MapShape, stack),
    );
    const { channels, cells } = this.encoder;
    const vocabulary = shape.classes;
    const hidden = arch.hiddenDim;
    this.embedding = this.registerModule('embedding', new Embedding(vocabulary, arch.wordvecDim, { rng }));
    const input = arch.wordvecDim + (arch.attention ? channels : 0);
    this.cell = this.registerModule(
      'cell',
      arch.cell === 'lstm' ? new LSTM(input, hidden, { rng }) : new RNN(input, hidden, { rng }),
    );
    const vector = arch.attention ? channels : channels * cells;
    this.initH = this.registerModule('initH', new Linear(vector, hidden, { init: 'xavier', rng }));
    this.initC =
      arch.cell === 'lstm'
        ? this.registerModule('initC', new Linear(vector, hidden, { init: 'xavier', rng }))
        : null;
    this.attention = arch.attention
      ? this.registerModule(
          'attention',
          new SoftAttention(channels, hidden, arch.attentionDim ?? hidden, arch.coverage, rng),
        )
      : null;
    this.dropout = this.registerModule('dropout', new Dropout(shape.dropout, { rng }));
    const read = hidden + (arch.attention ? channels : 0);
    this.deep = arch.deepOutput
      ? this.registerModule('deep', new DeepOutput(read, arch.wordvecDim, arch.deepOutput, { rng }))
      : null;
    const scored = arch.deepOutput ?? read;
    this.output = this.registerModule('output', new Linear(scored, vocabulary, { init: 'xavier', rng }));
  }

  encode(images: Tensor): CaptionMemory {
    const grid = this.encoder.encode(images);
    return { cells: grid.cells, keys: this.attention ? grid.project(this.attention.features) : null };
  }

  /** `h_0` (and `c_0`) as affine maps of each image's vector; no attention yet. */
  initialState(memory: CaptionMemory): DecoderState {
    const vector = this.attention ? mean(memory.cells, 1) : flatten(memory.cells);
    const [n, cells] = memory.cells.shape as [number, number];
    return {
      h: this.initH.forward(vector),
      c: this.initC?.forward(vector) ?? null,
      coverage: this.attention?.coverage ? zeros([n, cells]) : null,
    };
  }

  /**
   * One step for K rows from the previous `words` and `state`; `memory` holds K images, or one image
   * that every row reads.
   */
  step(memory: CaptionMemory, words: Int32Array, state: DecoderState): DecoderStep {
    const embedded = this.embedding.forward(new Tensor(Float32Array.from(words), [words.length]));
    if (!this.attention || !memory.keys) {
      const next = { ...cellStep(this.cell, embedded, state), coverage: null };
      return { logits: this.scores(next.h, embedded), state: next, alpha: null };
    }
    const { context, alpha } = this.attention.forward(memory.cells, memory.keys, state.h, state.coverage);
    const coverage = state.coverage ? add(state.coverage, alpha) : null;
    const next = { ...cellStep(this.cell, concat([embedded, context], 1), state), coverage };
    return { logits: this.scores(concat([next.h, context], 1), embedded), state: next, alpha };
  }

  /** Word scores from what the step read (`[h_t; z_t]`, or `h_t`) and the previous word's embedding. */
  private scores(read: Tensor, embedded: Tensor): Tensor {
    const features = this.deep ? this.deep.forward(read, embedded) : read;
    return this.output.forward(this.dropout.forward(features));
  }
}
