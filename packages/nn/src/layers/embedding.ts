import { type DType, indexSelect, randn, reshape, type Tensor } from '@ocellus/tensor';
import { resolveRng, type SeedOptions } from '../init.js';
import { Module, type TensorModule } from '../module.js';

export interface EmbeddingOptions extends SeedOptions {
  dtype?: DType;
}

/** A lookup table: integer indices of any shape -> rows of `weight` (N(0, 1) at start, as torch). */
export class Embedding extends Module implements TensorModule {
  readonly weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    const weight = randn([numEmbeddings, embeddingDim], resolveRng(options), {
      dtype: options.dtype ?? 'float32',
    });
    this.weight = this.registerParameter('weight', weight);
  }

  /** `indices` holds whole numbers in [0, numEmbeddings); the result is `[...indices.shape, dim]`. */
  forward(indices: Tensor): Tensor {
    const flat = indices.values();
    for (const i of flat) {
      if (!Number.isInteger(i) || i < 0 || i >= this.numEmbeddings) {
        throw new Error(`Embedding: index ${i} is not a row of a table of ${this.numEmbeddings}`);
      }
    }
    return reshape(indexSelect(this.weight, 0, flat), [...indices.shape, this.embeddingDim]);
  }
}
