import type { ClassPrediction } from '@ocellus/contracts';
import type { Tensor } from '@ocellus/tensor';

/** The `topk` highest scores of each row of `scores` [N, classes], highest first (ties by index). */
export function topPredictions(scores: Tensor, labels: readonly string[], topk: number): ClassPrediction[][] {
  const [n, classes] = scores.shape as [number, number];
  const values = scores.values();
  const k = Math.min(Math.max(1, topk), classes);
  const out: ClassPrediction[][] = [];
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: classes }, (_, c) => c).sort(
      (a, b) => values[i * classes + b]! - values[i * classes + a]! || a - b,
    );
    out.push(
      order.slice(0, k).map((index) => ({
        label: labels[index] ?? String(index),
        index,
        score: values[i * classes + index]!,
      })),
    );
  }
  return out;
}
