export interface DetectionFilter {
  /** Detections scoring below it are dropped. */
  scoreThreshold: number;
  /** At most this many are kept, the highest scores first. */
  maxDetections: number;
}

/** The detections a request asked for: over its threshold, highest score first (stable), at most its maximum. */
export function keepDetections<D extends { score: number }>(
  detections: readonly D[],
  filter: DetectionFilter,
): D[] {
  return detections
    .filter((d) => d.score >= filter.scoreThreshold)
    .sort((a, b) => b.score - a.score)
    .slice(0, filter.maxDetections);
}
