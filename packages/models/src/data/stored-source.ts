import {
  CAPTION_MAX_WORDS,
  CAPTION_SPECIAL_TOKENS,
  isStoredDataset,
  type JobSpec,
  type StoredDatasetRef,
  type Task,
  untrainableSplits,
} from '@ocellus/contracts';
import { loadStoredDataset, type StoredDataset, scaleObjects } from '@ocellus/datasets';
import { Rng } from '@ocellus/tensor';
import { type ImageSet, proportionalCounts } from '@ocellus/vision/datasets';
import { resamplePlane } from '@ocellus/vision/image';
import type { TaskTargets, TrainingData } from '../types.js';
import type { DataOptions, PreparedData } from './dataset-source.js';

const FIELDS = 5;
const SPLIT_CODE = { train: 0, validation: 1, test: 2 } as const;
// ITU-R BT.601 luma, the weights a grey model's RGB uploads are reduced with.
const LUMA = [0.299, 0.587, 0.114] as const;

export class StoredDatasetError extends Error {
  override readonly name = 'StoredDatasetError';
}

/** One stored image as `channels` float planes of `height x width` in [0, 1], written into `out`. */
function toPlanes(
  stored: StoredDataset,
  i: number,
  channels: 1 | 3,
  height: number,
  width: number,
  out: Float32Array,
) {
  const at = i * FIELDS;
  const [w, h, c] = [stored.records[at]!, stored.records[at + 1]!, stored.records[at + 2]!];
  const offset = stored.offsets[i]!;
  const planes = Array.from({ length: c }, (_, k) => {
    const plane = new Float32Array(w * h);
    for (let p = 0; p < w * h; p++) plane[p] = stored.pixels[offset + p * c + k]! / 255;
    return w === width && h === height ? plane : resamplePlane(plane, w, h, width, height);
  });
  const size = height * width;
  for (let k = 0; k < channels; k++) {
    const target = out.subarray(k * size, (k + 1) * size);
    if (c === channels) target.set(planes[k]!);
    else if (c === 1) target.set(planes[0]!);
    else
      for (let p = 0; p < size; p++)
        target[p] = LUMA[0] * planes[0]![p]! + LUMA[1] * planes[1]![p]! + LUMA[2] * planes[2]![p]!;
  }
}

/** At most `cap` of `indices`, drawn stratified by label (all of them, in order, without a cap). */
function capped(indices: number[], labels: Int32Array, cap: number | undefined, rng: Rng): Int32Array {
  if (cap === undefined || cap >= indices.length) return Int32Array.from(indices);
  const groups = new Map<number, number[]>();
  for (const i of indices) {
    const group = groups.get(labels[i]!);
    if (group) group.push(i);
    else groups.set(labels[i]!, [i]);
  }
  const members = [...groups.entries()].sort(([a], [b]) => a - b).map(([, g]) => rng.shuffle(g));
  const counts = proportionalCounts(
    cap,
    members.map((g) => g.length),
  );
  return Int32Array.from(rng.shuffle(members.flatMap((g, k) => g.slice(0, counts[k]))));
}

/**
 * A version of the dataset store (`dataset: {name, version}`) for any task its manifest lists: every image
 * brought to one `[channels, height, width]` by the spec's resize policy (boxes and masks with it), its
 * stored splits kept (test is only ever evaluated), optional caps drawn stratified (by class, or by caption
 * length) and seeded.
 */
export function prepareStoredDataset(spec: JobSpec, options: DataOptions): PreparedData {
  const dataset = spec.dataset;
  if (!isStoredDataset(dataset)) throw new StoredDatasetError('not a stored dataset');
  if (options.datasetsRoot === undefined) {
    throw new StoredDatasetError(
      `dataset ${dataset.name} v${dataset.version}: no dataset store is configured`,
    );
  }
  const stored = loadStoredDataset(options.datasetsRoot, dataset.name, dataset.version);
  const { manifest } = stored;
  if (!manifest.tasks.includes(spec.task)) {
    throw new StoredDatasetError(
      `dataset ${dataset.name} trains ${manifest.tasks.join(' | ')}, not '${spec.task}'`,
    );
  }
  const unusable = untrainableSplits(manifest);
  if (unusable) throw new StoredDatasetError(unusable);
  if (options.classes !== undefined) {
    throw new StoredDatasetError('a class subset is only drawn from the built-in mnist dataset');
  }
  const set = imageSet(stored, dataset);
  const bySplit = { train: [] as number[], validation: [] as number[], test: [] as number[] };
  for (let i = 0; i < set.size; i++) {
    const code = stored.records[i * FIELDS + 4]!;
    (code === SPLIT_CODE.train
      ? bySplit.train
      : code === SPLIT_CODE.validation
        ? bySplit.validation
        : bySplit.test
    ).push(i);
  }
  const rng = new Rng(dataset.seed);
  const train = capped(bySplit.train, set.labels, dataset.train, rng);
  const validation = capped(bySplit.validation, set.labels, dataset.validation, rng);
  const test = capped(bySplit.test, set.labels, dataset.test, rng);
  const common = { set, train, validation, labels: manifest.labels, imageFormat: 'photo' as const };
  return { data: withTargets(spec, stored, set, common), test };
}

type Common = Omit<TrainingData, 'task' | 'targets'>;

/**
 * The task's targets: the class, the objects (crowd regions left out) moved onto the resized image, or the
 * captions.
 */
function withTargets(spec: JobSpec, stored: StoredDataset, set: ImageSet, common: Common): TrainingData {
  const objectsOf = (i: number) => {
    const at = i * FIELDS;
    const from = { width: stored.records[at]!, height: stored.records[at + 1]! };
    const objects = (stored.objects?.[i] ?? []).filter((o) => !o.crowd);
    return scaleObjects(objects, from, { width: set.width, height: set.height });
  };
  const of = <T extends Task>(t: T, target: (i: number) => TaskTargets[T]): TrainingData<T> => ({
    ...common,
    task: t,
    targets: (indices) => Array.from(indices, target),
  });
  switch (spec.task) {
    case 'classify':
      return of('classify', (i) => set.labels[i]!);
    case 'localize':
      return of('localize', (i) => {
        const [object] = objectsOf(i);
        if (object === undefined) throw new StoredDatasetError(`image ${i} has no object to localise`);
        return { index: object.label, box: object.box };
      });
    case 'detect':
      return of('detect', (i) => ({ objects: objectsOf(i).map((o) => ({ index: o.label, box: o.box })) }));
    case 'segment':
      return of('segment', (i) => ({
        objects: objectsOf(i).map((o) => ({ index: o.label, box: o.box, mask: o.mask })),
      }));
    case 'caption':
      return captionData(spec, stored, common);
  }
}

/**
 * A captions version for a captioner: its labels are the stored vocabulary then the special tokens; every
 * caption is tokenised once; each image trains on its first caption and is scored against all of them. A training caption longer than
 * the spec's `maxLength` is refused, as the captioner could never say it.
 */
function captionData(spec: JobSpec, stored: StoredDataset, common: Common): TrainingData<'caption'> {
  const { manifest, captions } = stored;
  const where = `dataset ${manifest.name} v${manifest.version}`;
  if (captions === null) throw new StoredDatasetError(`${where} holds no captions`);
  const vocabulary = new Map(manifest.labels.map((word, k) => [word, k]));
  const tokens = (caption: string) =>
    Int32Array.from(caption.split(' '), (word) => {
      const token = vocabulary.get(word);
      if (token === undefined) throw new StoredDatasetError(`${where}: '${word}' is not in its vocabulary`);
      return token;
    });
  const tokenized = captions.map((references) => references.map(tokens));
  const maxLength = spec.architecture.type === 'captioner' ? spec.architecture.maxLength : CAPTION_MAX_WORDS;
  for (const i of [...common.train, ...common.validation]) {
    const words = tokenized[i]![0]!.length;
    if (words > maxLength) {
      throw new StoredDatasetError(
        `${where} trains on a caption of ${words} words, over architecture.maxLength = ${maxLength}`,
      );
    }
  }
  return {
    ...common,
    task: 'caption',
    labels: [...manifest.labels, ...CAPTION_SPECIAL_TOKENS],
    targets: (indices) =>
      Array.from(indices, (i) => {
        const references = tokenized[i]!;
        return { tokens: references[0]!, references };
      }),
  };
}

function imageSet(stored: StoredDataset, dataset: StoredDatasetRef): ImageSet {
  const { manifest } = stored;
  const common = manifest.images.sizes[0]!;
  const height = dataset.size?.height ?? common.height;
  const width = dataset.size?.width ?? common.width;
  const channels = dataset.channels ?? (manifest.images.rgb > 0 ? 3 : 1);
  const size = manifest.images.count;
  const plane = channels * height * width;
  const images = new Float32Array(size * plane);
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    toPlanes(stored, i, channels, height, width, images.subarray(i * plane, (i + 1) * plane));
    labels[i] = stored.records[i * FIELDS + 3]!;
  }
  return { images, labels, size, channels, height, width };
}
