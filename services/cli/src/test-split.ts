import { defaultJobSpecSchema } from '@ocellus/contracts';
import { type PreparedData, prepareData } from '@ocellus/models';
import type { Manifest } from '@ocellus/registry';

/**
 * The data a version was scored on when it was trained: the test subset its stored job spec drew (same
 * dataset, counts and seed), or MNIST's whole canonical test split when the manifest carries no spec.
 */
export function evaluationDataOf(manifest: Manifest): PreparedData & { dataset: string } {
  const stored = manifest.extra['spec'] ?? {
    task: manifest.task,
    model: manifest.name,
    architecture: manifest.architecture,
    dataset: { name: 'mnist' },
  };
  const parsed = defaultJobSpecSchema.safeParse(stored);
  if (!parsed.success) {
    throw new Error(`${manifest.name} version ${manifest.version} carries a job spec this build cannot read`);
  }
  return { ...prepareData(parsed.data), dataset: parsed.data.dataset.name };
}
