import { isStoredDataset, type JobSpec } from '@ocellus/contracts';
import type { Registry } from '@ocellus/registry';
import { Captioner } from '../caption/captioner.js';
import { CaptionerEnsemble, type EnsembleMember } from '../caption/captioner-ensemble.js';
import { EnsembleError } from '../caption/ensemble-decoders.js';
import { modelFromArtifact } from '../families.js';

/**
 * The ensemble a `captioner-ensemble` spec names, its members loaded through the registry (which checks
 * their sha256); null for any other architecture.
 */
export async function loadEnsemble(
  spec: JobSpec,
  registry: Registry,
  onLog?: (line: string) => void,
): Promise<CaptionerEnsemble | null> {
  const arch = spec.architecture;
  if (arch.type !== 'captioner-ensemble') return null;
  const members: EnsembleMember[] = [];
  for (const { model, version } of arch.members) {
    const { manifest, tensors } = await registry.load(model, version);
    const captioner = modelFromArtifact(manifest, tensors);
    if (!(captioner instanceof Captioner))
      throw new EnsembleError(
        `architecture.members: ${model}@${version} is a '${manifest.architecture.type}' model, not a captioner`,
      );
    members.push({ model, version, captioner });
  }
  onLog?.(`ensemble of ${members.map((m) => `${m.model}@${m.version}`).join(', ')}`);
  return CaptionerEnsemble.fromMembers(members);
}

/**
 * The spec whose data a job prepares: an ensemble trains nothing, so its generated digit scenes skip the
 * training part (one scene; the validation and test scenes have seeds of their own and stay the same). A
 * stored dataset keeps its counts: its training split moves the validation's draw and the vocabulary.
 */
export function dataSpecOf(spec: JobSpec): JobSpec {
  const { architecture, dataset } = spec;
  if (architecture.type !== 'captioner-ensemble' || isStoredDataset(dataset)) return spec;
  return { ...spec, dataset: { ...dataset, train: 1 } };
}
