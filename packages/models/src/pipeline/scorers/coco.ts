import type { CocoResult } from '@ocellus/vision/metrics';

/** A COCO result as manifest metrics under `prefix` (e.g. `testAp`, `testAp50`, `testMaskAp75`). */
export function cocoMetrics(prefix: string, result: CocoResult): Record<string, number> {
  return {
    [`${prefix}`]: result.ap,
    [`${prefix}50`]: result.ap50,
    [`${prefix}75`]: result.ap75,
    [`${prefix.replace(/Ap$/, 'Ar')}100`]: result.ar100,
  };
}

/** Per-class AP rows for the manifest's `extra`, labelled by name. */
export function perClassAp(result: CocoResult, labels: readonly string[]) {
  return result.perClass.map(({ label, ap, ap50, ap75, ar100 }) => ({
    label: labels[label] ?? String(label),
    ap,
    ap50,
    ap75,
    ar100,
  }));
}
