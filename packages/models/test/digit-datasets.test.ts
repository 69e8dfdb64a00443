import { createHash } from 'node:crypto';
import {
  datasetSchema,
  defaultJobSpecSchema,
  type JobSpec,
  type JobSpecInput,
  type Task,
} from '@ocellus/contracts';
import { prepareData, type TaskTargets } from '@ocellus/models';
import type { ImageSet } from '@ocellus/vision/datasets';
import { canonicalSplit } from '@ocellus/vision/mnist';
import { decodeMask } from '@ocellus/vision/rle';
import { CAPTION_VOCABULARY, digitScenes, localisationImages } from '@ocellus/vision/scenes';
import { describe, expect, it } from 'vitest';
import { digitSplits } from '../src/data/digit-splits.js';

const localizeSpec = defaultJobSpecSchema.parse({
  task: 'localize',
  model: 'digits',
  architecture: { type: 'localizer', layers: [{ filters: 4, kernel: 3 }], fc: [8] },
  dataset: { name: 'digit-loc' },
});

/** A spec for `task` on `dataset` (parsed with its defaults); prepareData reads only the two. */
const specOf = (task: Task, dataset: JobSpecInput['dataset']): JobSpec => ({
  ...localizeSpec,
  task,
  dataset: datasetSchema.parse(dataset),
});

const hashes = (set: ImageSet, indices: Int32Array) => {
  const plane = set.height * set.width;
  return new Set(
    Array.from(indices, (i) =>
      createHash('sha1')
        .update(set.images.subarray(i * plane, (i + 1) * plane))
        .digest('hex'),
    ),
  );
};

const counts = { train: 60, validation: 20, test: 30, seed: 3 };

describe('digit-loc', () => {
  const { data, test } = prepareData(specOf('localize', { name: 'digit-loc', ...counts }));

  it('serves localisation images with the counts, the digit labels and the digit-scene format', () => {
    expect(data.task).toBe('localize');
    expect(data.set).toMatchObject({ size: 110, channels: 1, height: 64, width: 64 });
    expect([data.train.length, data.validation.length, test.length]).toEqual([60, 20, 30]);
    expect(data.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(data.imageFormat).toBe('digit-scene');
  });

  it('targets each image with its digit (the set label) and a box inside the canvas', () => {
    const all = Int32Array.from({ length: 110 }, (_, i) => i);
    const targets = data.targets(all) as TaskTargets['localize'][];
    targets.forEach((target, i) => {
      expect(target.index).toBe(data.set.labels[i]);
      const [x1, y1, x2, y2] = target.box;
      expect(0 <= x1 && x1 < x2 && x2 <= 64 && 0 <= y1 && y1 < y2 && y2 <= 64).toBe(true);
    });
  });

  it('never repeats an image between train, validation and test', () => {
    const [train, validation, held] = [data.train, data.validation, test].map((s) => hashes(data.set, s));
    expect(train!.size + validation!.size + held!.size).toBe(110);
    expect(new Set([...train!, ...validation!, ...held!]).size).toBe(110);
  });

  it('draws the same data for the same spec and other data for another seed', () => {
    const again = prepareData(specOf('localize', { name: 'digit-loc', ...counts }));
    expect(Buffer.from(again.data.set.images.buffer).equals(Buffer.from(data.set.images.buffer))).toBe(true);
    const other = prepareData(specOf('localize', { name: 'digit-loc', ...counts, seed: 4 }));
    expect(Buffer.from(other.data.set.images.buffer).equals(Buffer.from(data.set.images.buffer))).toBe(false);
  });

  it('refuses tasks it has no targets for', () => {
    expect(() => prepareData(specOf('detect', { name: 'digit-loc', ...counts }))).toThrow(
      /no 'detect' targets/,
    );
  });
});

describe('digit-scenes', () => {
  const dataset = { name: 'digit-scenes', ...counts, size: { height: 96, width: 112 } } as const;
  const all = Int32Array.from({ length: 110 }, (_, i) => i);

  it('targets detection with every object of a scene, at the size the spec asks for', () => {
    const { data } = prepareData(specOf('detect', dataset));
    expect(data.set).toMatchObject({ size: 110, height: 96, width: 112 });
    expect(data.labels).toHaveLength(10);
    expect(data.imageFormat).toBe('digit-scene');
    const targets = data.targets(all) as TaskTargets['detect'][];
    targets.forEach((target, i) => {
      expect(target.objects).toHaveLength(data.set.labels[i]!);
    });
    expect(new Set(targets.map((t) => t.objects.length))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it('targets segmentation with full-canvas RLE masks whose extent is the box', () => {
    const { data } = prepareData(specOf('segment', dataset));
    const targets = data.targets(all.subarray(0, 20)) as TaskTargets['segment'][];
    for (const object of targets.flatMap((t) => t.objects)) {
      expect(object.mask.size).toEqual([96, 112]);
      const mask = decodeMask(object.mask);
      const [x1, y1, x2, y2] = object.box;
      const inside = mask.every(
        (v, p) => !v || (p % 112 >= x1 && p % 112 < x2 && p / 112 >= y1 && p / 112 < y2),
      );
      expect(inside).toBe(true);
    }
  });

  it('targets captioning with the digit tokens left to right over the caption vocabulary', () => {
    const { data } = prepareData(specOf('caption', { ...dataset, digits: { min: 3, max: 3 } }));
    expect(data.labels).toEqual(CAPTION_VOCABULARY);
    const detections = prepareData(specOf('detect', { ...dataset, digits: { min: 3, max: 3 } })).data;
    const captions = data.targets(all) as TaskTargets['caption'][];
    const objects = detections.targets(all) as TaskTargets['detect'][];
    captions.forEach(({ tokens }, i) => {
      const centre = (b: readonly number[]) => (b[0]! + b[2]!) / 2;
      const ordered = [...objects[i]!.objects].sort((a, b) => centre(a.box) - centre(b.box));
      expect(Array.from(tokens)).toEqual(ordered.map((o) => o.index));
    });
  });

  it('distorts the training scenes alone, as the spec asks', () => {
    const plain = prepareData(specOf('caption', dataset));
    const distort = { rotate: 10, shear: 0.15, elastic: { alpha: 30 } };
    const bent = prepareData(specOf('caption', { ...dataset, distort }));
    const same = (indices: Int32Array) => {
      const [a, b] = [hashes(plain.data.set, indices), hashes(bent.data.set, indices)];
      return [...a].filter((h) => b.has(h)).length;
    };
    expect(same(plain.data.validation)).toBe(20);
    expect(same(plain.test)).toBe(30);
    expect(same(plain.data.train)).toBe(0);
    const again = prepareData(specOf('caption', { ...dataset, distort }));
    expect(Buffer.from(again.data.set.images.buffer).equals(Buffer.from(bent.data.set.images.buffer))).toBe(
      true,
    );
  });
});

describe('digitSplits', () => {
  it('draws train and validation from disjoint training-split digits and test from the test split', () => {
    const splits = digitSplits(
      { ...counts, train: 300, validation: 300, size: { height: 128, width: 128 } },
      {},
      digitScenes,
    );
    const digitsOf = (indices: Int32Array) =>
      new Set(Array.from(indices).flatMap((i) => splits.scenes.objects[i]!.map((o) => o.mnistIndex)));
    const [train, validation, test] = [splits.train, splits.validation, splits.test].map(digitsOf);
    const trainPart = new Set(canonicalSplit().train);
    const testPart = new Set(canonicalSplit().test);
    expect([...train!, ...validation!].every((i) => trainPart.has(i))).toBe(true);
    expect([...test!].every((i) => testPart.has(i))).toBe(true);
    expect([...validation!].some((i) => train!.has(i))).toBe(false);
    expect(validation!.size).toBeGreaterThan(300);
  });

  it('refuses a class subset', () => {
    expect(() =>
      digitSplits({ ...counts, size: { height: 64, width: 64 } }, { classes: [1, 2] }, localisationImages),
    ).toThrow(/mnist only/);
  });
});
