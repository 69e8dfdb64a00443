import type { Tensor } from '@ocellus/tensor';

function checkPair(truth: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (truth.length !== predicted.length) {
    throw new RangeError(`${truth.length} true labels but ${predicted.length} predictions`);
  }
}

/** Fraction of predictions equal to the true label (NaN when there are none). */
export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(truth, predicted);
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  return correct / truth.length;
}

/** counts[t][p]: how many samples of true class t were predicted as p (rows true, columns predicted). */
export function confusionMatrix(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): number[][] {
  checkPair(truth, predicted);
  const counts = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    for (const label of [t, p]) {
      if (!(Number.isInteger(label) && label >= 0 && label < numClasses)) {
        throw new RangeError(`label ${label} outside [0, ${numClasses})`);
      }
    }
    counts[t]![p]!++;
  }
  return counts;
}

/** Recall of each class from a confusion matrix: diagonal over row sum; NaN for a class never seen. */
export function perClassAccuracyFromMatrix(matrix: readonly (readonly number[])[]): number[] {
  return matrix.map((row, c) => row[c]! / row.reduce((a, b) => a + b, 0));
}

/** Accuracy within each true class; NaN for a class with no samples. */
export function perClassAccuracy(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): number[] {
  return perClassAccuracyFromMatrix(confusionMatrix(truth, predicted, numClasses));
}

/**
 * Fraction of rows of `scores` ([N, C]) whose true class ranks among the k highest; ties rank the
 * lower class index first, as argmax does, so k = 1 matches the accuracy of argmax.
 */
export function topKAccuracy(scores: Tensor, truth: ArrayLike<number>, k: number): number {
  if (scores.ndim !== 2) throw new RangeError(`scores must be [N, C], got [${scores.shape.join(', ')}]`);
  const [n, c] = scores.shape as [number, number];
  if (truth.length !== n) throw new RangeError(`${truth.length} true labels for ${n} score rows`);
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be an integer >= 1, got ${k}`);
  const values = scores.values();
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const t = truth[i]!;
    if (!(Number.isInteger(t) && t >= 0 && t < c)) throw new RangeError(`label ${t} outside [0, ${c})`);
    const row = i * c;
    const own = values[row + t]!;
    let rank = 0;
    for (let j = 0; j < c; j++) {
      const v = values[row + j]!;
      if (v > own || (v === own && j < t)) rank++;
    }
    if (rank < k) hits++;
  }
  return hits / n;
}
