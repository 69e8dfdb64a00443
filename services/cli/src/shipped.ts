import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { JobSpec } from '@ocellus/contracts';

/** `<repo>/models/specs`: the committed job specs `npm run models:build` trains. */
export const SHIPPED_SPECS = fileURLToPath(new URL('../../../models/specs', import.meta.url));

/** REFERENCE.md "Accuracy to reach" on the MNIST test split, by model family. */
export const TEST_ACCURACY_TARGETS: Readonly<Record<string, number>> = {
  knn: 0.94,
  linear: 0.89,
  mlp: 0.96,
  cnn: 0.985,
};

export function targetOf(spec: JobSpec): number | undefined {
  return spec.dataset.name === 'mnist' ? TEST_ACCURACY_TARGETS[spec.architecture.type] : undefined;
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
