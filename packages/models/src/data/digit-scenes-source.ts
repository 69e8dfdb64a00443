import type { JobSpec, Task } from '@ocellus/contracts';
import { MNIST_LABELS } from '@ocellus/vision/mnist';
import {
  CAPTION_VOCABULARY,
  captionOrder,
  captionTokens,
  type DigitObject,
  type DigitSetOptions,
  digitScenes,
  type SceneSet,
} from '@ocellus/vision/scenes';
import type { TaskTargets, TrainingData } from '../types.js';
import type { DataOptions, DatasetSource, PreparedData } from './dataset-source.js';
import { type DigitSetPart, type DigitSplits, digitSplits } from './digit-splits.js';

type DigitScenesDataset = Extract<JobSpec['dataset'], { name: 'digit-scenes' }>;
type SceneTask = 'detect' | 'segment' | 'caption';

/** Each scene task's targets of one image; caption tokens are the words only (no `<start>` / `<end>`). */
const sceneTargets: { [T in SceneTask]: (scenes: SceneSet<DigitObject>, i: number) => TaskTargets[T] } = {
  detect: (scenes, i) => ({ objects: scenes.objects[i]!.map((o) => ({ index: o.index, box: [...o.box] })) }),
  segment: (scenes, i) => ({
    objects: scenes.objects[i]!.map((o) => ({ index: o.index, box: [...o.box], mask: o.mask })),
  }),
  caption: (scenes, i) => ({
    tokens: captionTokens(scenes.captions[i]!),
    regions: captionOrder(scenes.objects[i]!).map((o) => [...o.box]),
  }),
};

const isSceneTask = (task: Task): task is SceneTask => Object.hasOwn(sceneTargets, task);

function sceneData<T extends SceneTask>(task: T, splits: DigitSplits): TrainingData<T> {
  const { scenes, train, validation } = splits;
  const targetOf = sceneTargets[task];
  return {
    task,
    set: scenes.set,
    targets: (indices) => Array.from(indices, (i) => targetOf(scenes, i)),
    train,
    validation,
    labels: task === 'caption' ? CAPTION_VOCABULARY : MNIST_LABELS,
    imageFormat: 'digit-scene',
  };
}

/**
 * Scenes of `digits.min..digits.max` digits (REFERENCE.md "Digit scenes" 5-6) for the spec's task:
 * labels are the ten digits for detect and segment, `CAPTION_VOCABULARY` for caption. The spec's
 * `distort` applies to the training scenes alone.
 */
function prepareDigitScenes(dataset: DigitScenesDataset, options: DataOptions, task: Task): PreparedData {
  if (!isSceneTask(task)) throw new RangeError(`digit-scenes has no '${task}' targets`);
  const generate = (set: DigitSetOptions, part: DigitSetPart) =>
    digitScenes({ ...set, digits: dataset.digits, ...(part === 'train' && { distort: dataset.distort }) });
  const splits = digitSplits(dataset, options, generate);
  return { data: sceneData(task, splits), test: splits.test };
}

export const digitScenesSource: DatasetSource<'digit-scenes'> = {
  tasks: ['detect', 'segment', 'caption'],
  prepare: prepareDigitScenes,
};
