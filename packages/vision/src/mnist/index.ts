export { mnistFolds } from './folds.js';
export { loadMnist, MNIST_CLASS_COUNTS, MNIST_LABELS, MNIST_SIDE } from './load.js';
export {
  type CanonicalSplit,
  canonicalSplit,
  type MnistSubset,
  type MnistSubsetOptions,
  mnistSubset,
} from './split.js';
