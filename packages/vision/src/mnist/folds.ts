import { type Fold, kFold } from '../datasets/folds.js';
import { loadMnist } from './load.js';
import { canonicalSplit } from './split.js';

/** k stratified folds of MNIST indices, by default over the canonical training part. */
export function mnistFolds(k: number, seed = 1, indices: Int32Array = canonicalSplit().train): Fold[] {
  const { labels } = loadMnist();
  const mapped = (positions: Int32Array) => positions.map((p) => indices[p]!);
  return kFold(
    Array.from(indices, (i) => labels[i]!),
    k,
    seed,
  ).map((fold) => ({ train: mapped(fold.train), validation: mapped(fold.validation) }));
}
