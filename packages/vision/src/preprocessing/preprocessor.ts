import type { Tensor } from '@ocellus/tensor';
import type { StatisticsAxis } from './features.js';
import { type MinMaxJson, MinMaxScale } from './min-max.js';
import { Pca, type PcaJson, type Whitening } from './pca.js';
import { Standardize, type StandardizeJson } from './standardize.js';

/** The job spec's `preprocessing`, with the same defaults (standardise; no PCA). */
export interface PreprocessingSpec {
  normalize?: 'none' | 'standard' | 'minmax';
  /** Statistics per channel (default) or per feature. */
  per?: StatisticsAxis;
  pca?: { components: number; whiten?: Whitening; epsilon?: number };
}

/** Plain JSON for the model manifest; PCA's matrices go with the weights (`tensors()`). */
export interface PreprocessingJson {
  normalize: StandardizeJson | MinMaxJson | null;
  pca: PcaJson | null;
}

type Normalizer = Standardize | MinMaxScale;

/** Normalisation then optional PCA, both fitted on the training split and applied unchanged elsewhere. */
export class Preprocessor {
  private constructor(
    readonly normalizer: Normalizer | null,
    readonly pca: Pca | null,
  ) {}

  /** Fits on training data `[N, ...features]` (for images `[N, C, H, W]`); never pass the test split. */
  static fit(spec: PreprocessingSpec, train: Tensor): Preprocessor {
    const per = spec.per ?? 'channel';
    const kind = spec.normalize ?? 'standard';
    const normalizer =
      kind === 'standard'
        ? Standardize.fit(train, per)
        : kind === 'minmax'
          ? MinMaxScale.fit(train, per)
          : null;
    const pca = spec.pca ? Pca.fit(normalizer ? normalizer.transform(train) : train, spec.pca) : null;
    return new Preprocessor(normalizer, pca);
  }

  /** Rebuilds from `toJSON()` and, when it has PCA, the tensors from `tensors()`. */
  static fromArtifact(json: PreprocessingJson, tensors: Readonly<Record<string, Tensor>> = {}): Preprocessor {
    const normalize = json.normalize;
    const normalizer =
      normalize === null
        ? null
        : normalize.kind === 'minmax'
          ? MinMaxScale.fromJSON(normalize)
          : Standardize.fromJSON(normalize);
    return new Preprocessor(normalizer, json.pca ? Pca.fromArtifact(json.pca, tensors) : null);
  }

  static fromJSON(json: PreprocessingJson): Preprocessor {
    return Preprocessor.fromArtifact(json);
  }

  /** Same shape out for normalisation and ZCA; `[N, k]` after PCA without whitening or with PCA whitening. */
  transform(x: Tensor): Tensor {
    const normalized = this.normalizer ? this.normalizer.transform(x) : x;
    return this.pca ? this.pca.transform(normalized) : normalized;
  }

  /** The output shape for a batch of n. */
  outputShape(n: number, featureShape: readonly number[]): number[] {
    return this.pca ? this.pca.outputShape(n) : [n, ...featureShape];
  }

  toJSON(): PreprocessingJson {
    return { normalize: this.normalizer?.toJSON() ?? null, pca: this.pca?.toJSON() ?? null };
  }

  tensors(): Record<string, Tensor> {
    return this.pca ? this.pca.tensors() : {};
  }
}
