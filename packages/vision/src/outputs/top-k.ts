/** Indices of the `k` highest scores, highest first; ties rank the lower index first, as argmax does. */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, Math.max(0, Math.min(k, scores.length)));
}
