import { defaultJobSpecSchema } from '@ocellus/contracts';
import { prepareData } from '@ocellus/models';
import type { Manifest } from '@ocellus/registry';
import { canonicalSplit } from '@ocellus/vision/mnist';

/**
 * The test digits a version was scored on when it was trained: the subset its stored job spec drew
 * (same counts and seed), or the whole canonical test split when the manifest carries no spec.
 */
export function testIndicesOf(manifest: Manifest): Int32Array {
  if (manifest.extra['spec'] === undefined) return canonicalSplit().test;
  const parsed = defaultJobSpecSchema.safeParse(manifest.extra['spec']);
  if (!parsed.success) {
    throw new Error(`${manifest.name} version ${manifest.version} carries a job spec this build cannot read`);
  }
  return prepareData(parsed.data).test;
}
