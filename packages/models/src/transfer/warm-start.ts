import type { JobSpec } from '@ocellus/contracts';
import type { Module } from '@ocellus/nn/module';
import type { InputSpec } from '@ocellus/registry';
import type { Tensor } from '@ocellus/tensor';
import { initScheme, type NetworkArchitecture, type NetworkShape } from '../classify/network-builder.js';
import type { TrainingData } from '../types.js';
import { backbonePrefixes, resolveFreeze, TransferError } from './backbone.js';

/** A trained network that a transfer starts from. */
export interface SourceNetwork {
  architecture: NetworkArchitecture;
  inputSpec: InputSpec;
  labels: readonly string[];
  shape: NetworkShape;
  network: Module;
}

/** How a transferred network starts before fine-tuning. */
export interface WarmStart {
  /** The source's shape (its dropout shapes the layer list) with the new class count and head init. */
  shape: NetworkShape;
  /** Loaded over the freshly built network: all of the source, or only its backbone when the head is new. */
  state: Record<string, Tensor>;
  /** Parameter prefixes that fine-tuning leaves as they are. */
  freeze: string[];
  headReplaced: boolean;
}

/** The same labels in the same order: a transferred head keeps its meaning only then. */
export const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Transfer learning (CS231n "Transfer Learning" notes): keep the source's backbone, frozen where
 * `transferFrom.freeze` says, and its head too when the label list is the same; a new label list
 * or class count gets a new head, initialised from the job's seed when the network is built.
 */
export function planWarmStart(source: SourceNetwork, spec: JobSpec, data: TrainingData): WarmStart {
  const transfer = spec.transferFrom;
  if (!transfer) throw new TransferError('planWarmStart: the spec has no transferFrom');
  const arch = source.architecture;
  if (spec.architecture.type !== arch.type) {
    throw new TransferError(
      `transferFrom: ${transfer.model} is a '${arch.type}' model, the spec asks for '${spec.architecture.type}'`,
    );
  }
  const { channels, height, width } = source.inputSpec;
  if (channels !== data.set.channels || height !== data.set.height || width !== data.set.width) {
    throw new TransferError(
      `transferFrom: ${transfer.model} takes ${channels}x${height}x${width} images, the dataset has ` +
        `${data.set.channels}x${data.set.height}x${data.set.width}`,
    );
  }
  const backbone = backbonePrefixes(arch, source.network);
  const freeze = resolveFreeze(transfer.freeze, backbone, source.network);
  const names = source.network.namedParameters().map(([name]) => name);
  if (names.every((name) => freeze.some((prefix) => name === prefix || name.startsWith(prefix)))) {
    throw new TransferError('transferFrom.freeze: every parameter is frozen, nothing would be fine-tuned');
  }
  const headReplaced = !sameList(source.labels, data.labels);
  if (headReplaced && backbone.length === 0) {
    throw new TransferError(
      `transferFrom: a ${arch.type} model has no backbone to keep under a new label list ` +
        `([${source.labels.join(', ')}] -> [${data.labels.join(', ')}])`,
    );
  }
  const full = source.network.stateDict();
  const state = headReplaced
    ? Object.fromEntries(Object.entries(full).filter(([name]) => backbone.some((p) => name.startsWith(p))))
    : full;
  const activation = arch.type === 'linear' ? 'relu' : arch.activation;
  return {
    shape: { ...source.shape, classes: data.labels.length, init: initScheme(spec.init, activation) },
    state,
    freeze,
    headReplaced,
  };
}

/** Loads the kept tensors over `network` (built from the warm start's shape) and freezes. */
export function applyWarmStart(network: Module, start: WarmStart): void {
  network.loadStateDict({ ...network.stateDict(), ...start.state });
  for (const prefix of start.freeze) network.freeze(prefix);
}
