import type { ArchitectureType, Task } from '@ocellus/contracts';
import type { Manifest, TensorRecord } from '@ocellus/registry';
import { fromRecords } from './artifact.js';
import { Captioner } from './caption/captioner.js';
import { CaptionerEnsemble } from './caption/captioner-ensemble.js';
import { KnnClassifier } from './classify/knn.js';
import { NetworkClassifier } from './classify/network-classifier.js';
import { FastRcnn } from './detect/fast-rcnn/fast-rcnn.js';
import { FasterRcnn } from './detect/faster-rcnn/faster-rcnn.js';
import { MaskRcnn } from './detect/mask-rcnn/mask-rcnn.js';
import { Rcnn } from './detect/rcnn/rcnn.js';
import { SlidingWindowDetector } from './detect/sliding-window/sliding-window.js';
import { Localizer } from './localize/localizer.js';
import type { ModelFamily, VisionModel } from './types.js';

/** What a family's model class offers: a new model for a spec, and a published one restored. */
type ModelClass = Pick<ModelFamily, 'create' | 'fromArtifact'>;

const family = (type: ArchitectureType, task: Task, model: ModelClass): ModelFamily => ({
  type,
  task,
  create: (spec, data) => model.create(spec, data),
  fromArtifact: (manifest, tensors) => model.fromArtifact(manifest, tensors),
});

/** The one table keyed by `architecture.type`; the families of later tasks join it as they land. */
export const families: { readonly [K in ArchitectureType]?: ModelFamily } = {
  knn: family('knn', 'classify', KnnClassifier),
  linear: family('linear', 'classify', NetworkClassifier),
  mlp: family('mlp', 'classify', NetworkClassifier),
  cnn: family('cnn', 'classify', NetworkClassifier),
  localizer: family('localizer', 'localize', Localizer),
  'sliding-window': family('sliding-window', 'detect', SlidingWindowDetector),
  rcnn: family('rcnn', 'detect', Rcnn),
  'fast-rcnn': family('fast-rcnn', 'detect', FastRcnn),
  'faster-rcnn': family('faster-rcnn', 'detect', FasterRcnn),
  captioner: family('captioner', 'caption', Captioner),
  'captioner-ensemble': family('captioner-ensemble', 'caption', CaptionerEnsemble),
  'mask-rcnn': family('mask-rcnn', 'segment', MaskRcnn),
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
