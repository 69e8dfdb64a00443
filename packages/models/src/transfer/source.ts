import type { JobSpec } from '@ocellus/contracts';
import type { Manifest, Registry } from '@ocellus/registry';
import { modelFromArtifact } from '../families.js';
import type { TrainingData, VisionModel } from '../types.js';
import { TransferError } from './backbone.js';

/** The published version a job transfers from. */
export interface TransferSource {
  manifest: Manifest;
  /** A fresh model for a spec (the job's, or a search trial's) that starts from the source. */
  createModel(spec: JobSpec, data: TrainingData): VisionModel;
  /** `extra.transferFrom` of the manifest, for a model with these labels. */
  record(labels: readonly string[]): TransferRecord;
}

export interface TransferRecord {
  model: string;
  version: number;
  freeze: string[];
  /** The label list differs from the source's, so the head was new. */
  headReplaced: boolean;
}

/**
 * Loads `spec.transferFrom` (the version, the alias, or else the newest version) through the
 * registry, which checks its sha256. The source's architecture is the network's: spec fields that
 * differ from it are logged as not used.
 */
export async function loadTransferSource(
  spec: JobSpec,
  registry: Registry,
  onLog?: (line: string) => void,
): Promise<TransferSource> {
  const transfer = spec.transferFrom;
  if (!transfer) throw new TransferError('loadTransferSource: the spec has no transferFrom');
  const version = await registry.resolve(transfer.model, {
    ...(transfer.version === undefined ? {} : { version: transfer.version }),
    ...(transfer.alias === undefined ? {} : { alias: transfer.alias }),
  });
  const { manifest, tensors } = await registry.load(transfer.model, version);
  const model = modelFromArtifact(manifest, tensors);
  const transferTo = model.transfer?.bind(model);
  if (!transferTo) {
    throw new TransferError(
      `transferFrom: ${transfer.model}@${version} is a '${manifest.architecture.type}' model, which cannot be fine-tuned`,
    );
  }
  const source: Record<string, unknown> = manifest.architecture;
  const ignored = Object.entries(spec.architecture)
    .filter(([key]) => key !== 'type' && key in source)
    .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(source[key]))
    .map(([key]) => `architecture.${key}`);
  onLog?.(
    `transfer from ${transfer.model}@${version} (${manifest.labels.length} classes, its preprocessing)` +
      (ignored.length > 0 ? `; the source's architecture replaces the spec's ${ignored.join(', ')}` : ''),
  );
  return {
    manifest,
    createModel: (s, data) => transferTo(s, data),
    record: (labels) => ({
      model: transfer.model,
      version,
      freeze: transfer.freeze,
      headReplaced:
        labels.length !== manifest.labels.length || labels.some((l, i) => l !== manifest.labels[i]),
    }),
  };
}
