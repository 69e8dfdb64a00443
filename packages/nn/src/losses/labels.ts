/** Class labels, one per sample. */
export type Labels = Int32Array | readonly number[];

export interface CheckedLabels {
  /** Labels with ignored ones replaced by class 0, safe to gather with. */
  index: Int32Array;
  /** 1 for a counted sample, 0 for an ignored one; null when nothing is ignored. */
  mask: Float64Array | null;
}

/** Validates labels against `[n, classes]` scores; ignored samples are masked out, never gathered. */
export function checkLabels(labels: Labels, n: number, classes: number, ignoreIndex?: number): CheckedLabels {
  if (labels.length !== n) throw new Error(`${labels.length} labels for ${n} samples`);
  const index = new Int32Array(n);
  let mask: Float64Array | null = null;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (ignoreIndex !== undefined && y === ignoreIndex) {
      mask ??= new Float64Array(n).fill(1);
      mask[i] = 0;
      continue;
    }
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new Error(`label ${y} of sample ${i} is not a class in [0, ${classes})`);
    }
    index[i] = y;
  }
  return { index, mask };
}

/** Scores must be `[N, C]`. */
export function checkScores(scores: { shape: readonly number[] }, what: string): [number, number] {
  if (scores.shape.length !== 2) {
    throw new Error(`${what} needs scores of shape [N, C], got [${scores.shape.join(', ')}]`);
  }
  return [scores.shape[0]!, scores.shape[1]!];
}
