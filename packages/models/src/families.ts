import type { ArchitectureType } from '@ocellus/contracts';
import type { Manifest, TensorRecord } from '@ocellus/registry';
import { fromRecords } from './artifact.js';
import { KnnClassifier } from './classify/knn.js';
import { NetworkClassifier } from './classify/network-classifier.js';
import { FastRcnn } from './detect/fast-rcnn/fast-rcnn.js';
import { FasterRcnn } from './detect/faster-rcnn/faster-rcnn.js';
import { Rcnn } from './detect/rcnn/rcnn.js';
import { SlidingWindowDetector } from './detect/sliding-window/sliding-window.js';
import { Localizer } from './localize/localizer.js';
import type { ModelFamily, VisionModel } from './types.js';

const network = (type: 'linear' | 'mlp' | 'cnn'): ModelFamily => ({
  type,
  task: 'classify',
  create: (spec, data) => NetworkClassifier.create(spec, data),
  fromArtifact: (manifest, tensors) => NetworkClassifier.fromArtifact(manifest, tensors),
});

/** The one table keyed by `architecture.type`; the families of later tasks join it as they land. */
export const families: { readonly [K in ArchitectureType]?: ModelFamily } = {
  knn: {
    type: 'knn',
    task: 'classify',
    create: (spec, data) => KnnClassifier.create(spec, data),
    fromArtifact: (manifest, tensors) => KnnClassifier.fromArtifact(manifest, tensors),
  },
  linear: network('linear'),
  mlp: network('mlp'),
  cnn: network('cnn'),
  localizer: {
    type: 'localizer',
    task: 'localize',
    create: (spec, data) => Localizer.create(spec, data),
    fromArtifact: (manifest, tensors) => Localizer.fromArtifact(manifest, tensors),
  },
  'sliding-window': {
    type: 'sliding-window',
    task: 'detect',
    create: (spec, data) => SlidingWindowDetector.create(spec, data),
    fromArtifact: (manifest, tensors) => SlidingWindowDetector.fromArtifact(manifest, tensors),
  },
  rcnn: {
    type: 'rcnn',
    task: 'detect',
    create: (spec, data) => Rcnn.create(spec, data),
    fromArtifact: (manifest, tensors) => Rcnn.fromArtifact(manifest, tensors),
  },
  'fast-rcnn': {
    type: 'fast-rcnn',
    task: 'detect',
    create: (spec, data) => FastRcnn.create(spec, data),
    fromArtifact: (manifest, tensors) => FastRcnn.fromArtifact(manifest, tensors),
  },
  'faster-rcnn': {
    type: 'faster-rcnn',
    task: 'detect',
    create: (spec, data) => FasterRcnn.create(spec, data),
    fromArtifact: (manifest, tensors) => FasterRcnn.fromArtifact(manifest, tensors),
  },
};

export class UnknownArchitectureError extends Error {
  override readonly name = 'UnknownArchitectureError';
}

export function familyOf(type: string): ModelFamily {
  const family = families[type as ArchitectureType];
  if (!family) {
    const known = Object.keys(families).join(', ');
    throw new UnknownArchitectureError(
      `no model family for architecture '${type}' in this build (have: ${known})`,
    );
  }
  return family;
}

/** Restores a published version from its manifest and weights (the registry has checked the sha256). */
export function modelFromArtifact(manifest: Manifest, records: Record<string, TensorRecord>): VisionModel {
  return familyOf(manifest.architecture.type).fromArtifact(manifest, fromRecords(records));
}
