import { defaultJobSpecSchema, isStoredDataset } from '@ocellus/contracts';
import { DatasetError } from '@ocellus/datasets';
import { type PreparedData, prepareData } from '@ocellus/models';
import type { Manifest } from '@ocellus/registry';

/**
 * The data a version was scored on when it was trained: the test subset its stored job spec drew (same
 * dataset, counts and seed), or MNIST's whole canonical test split when the manifest carries no spec.
 * A stored dataset is read from `datasetsRoot`, the store beside the registry.
 */
export function evaluationDataOf(
  manifest: Manifest,
  datasetsRoot: string,
): PreparedData & { dataset: string } {
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
  const { dataset } = parsed.data;
  try {
    return { ...prepareData(parsed.data, { datasetsRoot }), dataset: dataset.name };
  } catch (error) {
    if (!(error instanceof DatasetError && error.code === 'NOT_FOUND' && isStoredDataset(dataset)))
      throw error;
    throw new Error(
      `${manifest.name} version ${manifest.version} was trained on dataset ${dataset.name} v${dataset.version}, ` +
        `which ${datasetsRoot} does not hold: import it first (ocellus datasets import <path> --name ${dataset.name} ...)`,
    );
  }
}
