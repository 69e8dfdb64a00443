import type { Box, NetworkShape } from '@ocellus/contracts';
import { Dropout, Embedding, Linear } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import { LSTM, RNN } from '@ocellus/nn/recurrent';
import { add, concat, flatten, mean, mul, type Rng, reshape, sub, sum, Tensor, zeros } from '@ocellus/tensor';
import { type MapShape, stackOptions } from '../networks/stacks.js';
import type { CellGrid } from './attention-supervision.js';
import type { CaptionerArchitecture } from './captioner-architecture.js';
import { PLACE_CHANNELS } from './cell-supervision.js';
import { cellStep, type DecoderState } from './decoder-state.js';
import { DeepOutput } from './deep-output.js';
import { Glimpse, type GlimpseStep } from './glimpse.js';
import { ImageEncoder } from './image-encoder.js';
import { SoftAttention } from './soft-attention.js';

/**
 * What the decoder reads of a batch of images: cell features `[N, cells, channels]` and their attention
 * keys; with `cellSupervision` the reader's output `[N, cells, V + 2]`, and with ordered attention the
 * centre x of each cell's word `[N, cells]` (in cells, out of the graph); with a glimpse the images it reads.
 */
export interface CaptionMemory {
  cells: Tensor;
  images: Tensor | null;
  keys: Tensor | null;
  readout: Tensor | null;
  centres: Tensor | null;
}

/**
 * One decoding step: scores over the vocabulary `[K, V]`, the next state, the weights over the cells, and
 * with a glimpse its box outputs `[K, 3]`, anchors (`[K * 2]` pixels), its refinement and in training the
 * namer's scores.
 */
export interface DecoderStep {
  logits: Tensor;
  state: DecoderState;
  alpha: Tensor | null;
  glimpse: Omit<GlimpseStep, 'features'> | null;
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
  /**
   * With `cellSupervision`: each cell's word scores and where that word's box centre lies, an affine map
   * of its features read only by training.
   */
  readonly reader: Linear | null;
  /** With `glimpse`: each step's box and the reader of the image under it, whose features the scores read. */
  readonly glimpse: Glimpse | null;
  /** Where the cells lie on the image. */
  readonly grid: CellGrid;

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
          new SoftAttention(
            channels,
            hidden,
            arch.attentionDim ?? hidden,
            arch.coverage ? 'coverage' : arch.orderAttention ? 'order' : null,
            rng,
          ),
        )
      : null;
    this.dropout = this.registerModule('dropout', new Dropout(shape.dropout, { rng }));
    const read = hidden + (arch.attention ? channels : 0);
    const [imageChannels, height, width] = shape.inputShape as MapShape;
    this.grid = { rows: this.encoder.rows, cols: this.encoder.cols, width, height };
    this.glimpse = arch.glimpse
      ? this.registerModule('glimpse', new Glimpse(arch.glimpse, read, imageChannels, vocabulary, stack))
      : null;
    const scoresRead = read + (this.glimpse?.features ?? 0);
    this.deep = arch.deepOutput
      ? this.registerModule('deep', new DeepOutput(scoresRead, arch.wordvecDim, arch.deepOutput, { rng }))
      : null;
    const scored = arch.deepOutput ?? scoresRead;
    this.output = this.registerModule('output', new Linear(scored, vocabulary, { init: 'xavier', rng }));
    this.reader =
      arch.cellSupervision > 0
        ? this.registerModule(
            'reader',
            new Linear(channels, vocabulary + PLACE_CHANNELS, { init: 'xavier', rng }),
          )
        : null;
  }

  encode(images: Tensor): CaptionMemory {
    const grid = this.encoder.encode(images);
    const readout = this.reader ? this.reader.forward(grid.cells) : null;
    return {
      cells: grid.cells,
      images: this.glimpse ? images : null,
      keys: this.attention ? grid.project(this.attention.features) : null,
      readout,
      centres: this.attention?.order && readout ? this.wordCentres(readout) : null,
    };
  }

  /** Each cell's word centre x in cells, `[N, cells]`: the cell's own centre plus the reader's offset. */
  private wordCentres(readout: Tensor): Tensor {
    const [n, cells, width] = readout.shape as [number, number, number];
    const offsets = readout.values();
    const { cols } = this.encoder;
    const centres = new Float32Array(n * cells);
    for (let i = 0; i < n * cells; i++) {
      centres[i] = ((i % cells) % cols) + 0.5 + offsets[i * width + width - PLACE_CHANNELS]!;
    }
    return new Tensor(centres, [n, cells]);
  }

  /** `h_0` (and `c_0`) as affine maps of each image's vector; no attention yet. */
  initialState(memory: CaptionMemory): DecoderState {
    const vector = this.attention ? mean(memory.cells, 1) : flatten(memory.cells);
    const [n, cells] = memory.cells.shape as [number, number];
    return {
      h: this.initH.forward(vector),
      c: this.initC?.forward(vector) ?? null,
      coverage: this.attention?.coverage ? zeros([n, cells]) : null,
      lastCentre: memory.centres ? new Tensor(new Float32Array(n).fill(-1), [n]) : null,
    };
  }

  /**
   * One step for K rows from the previous `words` and `state`; `memory` holds K images, or one image
   * that every row reads. With a glimpse, a row that `truth` gives a box reads that box's square.
   */
  step(
    memory: CaptionMemory,
    words: Int32Array,
    state: DecoderState,
    truth?: readonly (Box | null)[],
  ): DecoderStep {
    const embedded = this.embedding.forward(new Tensor(Float32Array.from(words), [words.length]));
    if (!this.attention || !memory.keys) {
      const next = { ...cellStep(this.cell, embedded, state), coverage: null, lastCentre: null };
      return { logits: this.scores(next.h, embedded), state: next, alpha: null, glimpse: null };
    }
    const { centres } = memory;
    const k = words.length;
    const offsets =
      centres && state.lastCentre ? sub(centres, reshape(state.lastCentre, [k, 1])) : state.coverage;
    const { context, alpha } = this.attention.forward(memory.cells, memory.keys, state.h, offsets);
    const coverage = state.coverage ? add(state.coverage, alpha) : null;
    const lastCentre = centres ? sum(mul(alpha.detach(), centres), 1) : null;
    const next = { ...cellStep(this.cell, concat([embedded, context], 1), state), coverage, lastCentre };
    const read = concat([next.h, context], 1);
    if (!this.glimpse || !memory.images) {
      return { logits: this.scores(read, embedded), state: next, alpha, glimpse: null };
    }
    const glimpse = this.glimpse.forward(memory.images, alpha, read, this.grid, truth);
    return {
      logits: this.scores(concat([read, glimpse.features], 1), embedded),
      state: next,
      alpha,
      glimpse: { raw: glimpse.raw, anchors: glimpse.anchors, refined: glimpse.refined, named: glimpse.named },
    };
  }

  /** Word scores from what the step read (`[h_t; z_t]` and the glimpse's features, or `h_t`) and the previous word's embedding. */
  private scores(read: Tensor, embedded: Tensor): Tensor {
    const features = this.deep ? this.deep.forward(read, embedded) : read;
    return this.output.forward(this.dropout.forward(features));
  }
}
