export type { StatisticsAxis } from './features.js';
export { type MinMaxJson, MinMaxScale } from './min-max.js';
export { PCA_TENSORS, Pca, type PcaJson, type PcaOptions, type Whitening } from './pca.js';
export { type PreprocessingJson, type PreprocessingSpec, Preprocessor } from './preprocessor.js';
export { Standardize, type StandardizeJson } from './standardize.js';
