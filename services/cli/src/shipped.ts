import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { JobSpec } from '@ocellus/contracts';

/** `<repo>/models/specs`: the committed job specs `npm run models:build` trains. */
export const SHIPPED_SPECS = fileURLToPath(new URL('../../../models/specs', import.meta.url));

/** A figure a shipped model's manifest must reach, e.g. `testAccuracy` at least 0.985. */
export interface MetricTarget {
  metric: string;
  min: number;
}

/**
 * REFERENCE.md "Accuracy to reach" (classifiers on the MNIST test split) and the issues' targets for
 * the box models and the captioner (on the digit-loc and digit-scenes test splits), by model family.
 */
export const SHIPPED_TARGETS: Readonly<Record<string, readonly MetricTarget[]>> = {
  knn: [{ metric: 'testAccuracy', min: 0.94 }],
  linear: [{ metric: 'testAccuracy', min: 0.89 }],
  mlp: [{ metric: 'testAccuracy', min: 0.96 }],
  cnn: [{ metric: 'testAccuracy', min: 0.985 }],
  localizer: [
    { metric: 'testAccuracy', min: 0.98 },
    { metric: 'testMeanIou', min: 0.85 },
  ],
  'sliding-window': [{ metric: 'testAp50', min: 0.85 }],
  rcnn: [{ metric: 'testAp50', min: 0.9 }],
  'fast-rcnn': [{ metric: 'testAp50', min: 0.95 }],
  'faster-rcnn': [
    { metric: 'testAp50', min: 0.98 },
    { metric: 'testAp', min: 0.75 },
  ],
  'mask-rcnn': [
    { metric: 'testMaskAp50', min: 0.95 },
    { metric: 'testMaskAp', min: 0.6 },
  ],
  captioner: [
    { metric: 'testExactMatch', min: 0.95 },
    { metric: 'testBleu4', min: 0.95 },
  ],
  'captioner-ensemble': [
    { metric: 'testExactMatch', min: 0.95 },
    { metric: 'testBleu4', min: 0.95 },
  ],
};

/** Issue 15's targets on Fashion-MNIST's official 10,000 test images (Zalando's benchmark table), by family. */
export const FASHION_TARGETS: Readonly<Record<string, readonly MetricTarget[]>> = {
  knn: [{ metric: 'testAccuracy', min: 0.855 }],
  linear: [{ metric: 'testAccuracy', min: 0.84 }],
  mlp: [{ metric: 'testAccuracy', min: 0.89 }],
  cnn: [{ metric: 'testAccuracy', min: 0.935 }],
};

const DIGIT_DATASETS: readonly string[] = ['mnist', 'digit-loc', 'digit-scenes'];

/** The targets of a spec trained on the bundled digits or on Fashion-MNIST; none for other data. */
export function targetsOf(spec: Pick<JobSpec, 'dataset' | 'architecture'>): readonly MetricTarget[] {
  const { name } = spec.dataset;
  const byFamily = DIGIT_DATASETS.includes(name)
    ? SHIPPED_TARGETS
    : name === 'fashion-mnist'
      ? FASHION_TARGETS
      : {};
  return byFamily[spec.architecture.type] ?? [];
}

/** JSON with object keys sorted at every level, so key order and whitespace do not change a hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The training job id of a spec file's content: the registry returns the version a job id already
 * published, so an unchanged spec is never trained twice and an edited one gets a new version.
 */
export function buildJobId(model: string, raw: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(raw)).digest('hex');
  return `build-${model}-${digest.slice(0, 16)}`;
}
