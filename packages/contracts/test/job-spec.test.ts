import { defaultJobSpecSchema, type JobSpecInput, jobSpecSchema } from '@ocellus/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const minimal: JobSpecInput = { task: 'classify', model: 'digits-cnn', architecture: { type: 'cnn' } };

function issuePaths(input: unknown, schema = defaultJobSpecSchema): string[] {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error!.issues.map((issue) => issue.path.join('.'));
}

describe('job spec', () => {
  it('fills the defaults of a minimal spec', () => {
    const spec = defaultJobSpecSchema.parse(minimal);
    expect(spec.dataset).toEqual({ name: 'mnist', train: 8000, validation: 1000, seed: 1 });
    expect(spec.optimizer).toEqual({ type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    expect(spec.schedule).toEqual({ epochs: 10, batchSize: 64 });
    expect(spec.regularization).toEqual({ l2: 0, l1: 0, dropout: 0 });
    expect(spec.preprocessing).toEqual({ normalize: 'standard' });
    expect(spec.augmentation).toEqual({ flip: false, photoLike: false, photoLikeShare: 0.5 });
    expect(spec.init).toBe('he');
    expect(spec.seed).toBe(1);
    if (spec.architecture.type !== 'cnn') throw new Error('expected a cnn');
    expect(spec.architecture.layers).toHaveLength(2);
    expect(spec.architecture.layers[0]).toEqual({
      filters: 16,
      kernel: 5,
      stride: 1,
      padding: 'same',
      pool: 2,
      batchNorm: true,
    });
    expect(spec.architecture.fc).toEqual([128]);
  });

  it('accepts the full example of API.md', () => {
    const spec = defaultJobSpecSchema.parse({
      task: 'classify',
      model: 'digits-cnn',
      architecture: { type: 'cnn', layers: [{ filters: 8 }], fc: [64] },
      dataset: { name: 'mnist', train: 8000, validation: 1000, test: 1000, seed: 1 },
      preprocessing: { normalize: 'standard', pca: { components: 64, whiten: 'zca' } },
      augmentation: { flip: false, randomCrop: { padding: 2 }, colorJitter: { brightness: 0.2 } },
      init: 'he',
      optimizer: { type: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999 },
      regularization: { l2: 0.0001, l1: 0, dropout: 0.25 },
      schedule: { epochs: 10, batchSize: 64, lrDecay: { every: 5, factor: 0.5 }, clipNorm: 5 },
      search: { method: 'random', trials: 8, folds: 5, space: { 'optimizer.lr': [1e-4, 1e-2, 'log'] } },
      transferFrom: { model: 'digits-cnn', version: 3, freeze: ['backbone'] },
      promote: 'production',
      seed: 1,
    });
    expect(spec.preprocessing.pca).toEqual({ components: 64, whiten: 'zca', epsilon: 1e-5 });
    expect(spec.augmentation.colorJitter).toEqual({ brightness: 0.2, contrast: 0 });
    expect(spec.search?.space['optimizer.lr']).toEqual([1e-4, 1e-2, 'log']);
    expect(spec.transferFrom).toEqual({ model: 'digits-cnn', version: 3, freeze: ['backbone'] });
  });

  it.each([
    ['knn', 'classify', 'mnist'],
    ['linear', 'classify', 'mnist'],
    ['mlp', 'classify', 'mnist'],
    ['localizer', 'localize', 'digit-loc'],
    ['sliding-window', 'detect', 'digit-scenes'],
    ['rcnn', 'detect', 'digit-scenes'],
    ['fast-rcnn', 'detect', 'digit-scenes'],
    ['faster-rcnn', 'detect', 'digit-scenes'],
    ['mask-rcnn', 'segment', 'digit-scenes'],
    ['captioner', 'caption', 'digit-scenes'],
  ])('parses a %s for %s on %s', (type, task, dataset) => {
    const architecture = type === 'linear' ? { type, loss: 'svm' } : { type };
    const spec = defaultJobSpecSchema.parse({ task, model: 'm', architecture, dataset: { name: dataset } });
    expect(spec.architecture.type).toBe(type);
  });

  it('takes a JPEG share for photo-like training images in 0..1, none unless given', () => {
    const withJpeg = (photoLikeJpeg: number) => ({
      ...minimal,
      augmentation: { photoLike: true, photoLikeJpeg },
    });
    expect(defaultJobSpecSchema.parse(withJpeg(0.5)).augmentation.photoLikeJpeg).toBe(0.5);
    expect(defaultJobSpecSchema.parse(minimal).augmentation.photoLikeJpeg).toBeUndefined();
    expect(issuePaths(withJpeg(1.5))).toEqual(['augmentation.photoLikeJpeg']);
    expect(issuePaths(withJpeg(-0.1))).toEqual(['augmentation.photoLikeJpeg']);
  });

  it('draws localisation images from digit-loc only, 64x64 unless sized', () => {
    const spec = defaultJobSpecSchema.parse({
      task: 'localize',
      model: 'loc',
      architecture: { type: 'localizer' },
      dataset: { name: 'digit-loc', train: 100 },
    });
    expect(spec.dataset).toMatchObject({ name: 'digit-loc', train: 100, size: { height: 64, width: 64 } });
    expect(
      issuePaths({
        ...minimal,
        task: 'localize',
        architecture: { type: 'localizer' },
        dataset: { name: 'digit-scenes' },
      }),
    ).toEqual(['dataset.name']);
  });

  it('applies the torchvision detection defaults to a faster-rcnn', () => {
    const spec = defaultJobSpecSchema.parse({
      task: 'segment',
      model: 'scenes',
      architecture: { type: 'mask-rcnn', anchors: { sizes: [16, 32] } },
      dataset: { name: 'digit-scenes' },
    });
    if (spec.architecture.type !== 'mask-rcnn') throw new Error('expected a mask-rcnn');
    expect(spec.architecture.anchors).toEqual({ sizes: [16, 32], ratios: [0.5, 1, 2] });
    expect(spec.architecture.rpn.fgIou).toBe(0.7);
    expect(spec.architecture.rpn.bgIou).toBe(0.3);
    expect(spec.architecture.rpn.smoothL1Beta).toBeCloseTo(1 / 9);
    expect(spec.architecture.roiHeads.boxWeights).toEqual([10, 10, 5, 5]);
    expect(spec.architecture.roiAlign).toEqual({ output: 7, samplingRatio: 2 });
    expect(spec.architecture.maskHead.resolution).toBe(28);
    expect(spec.architecture.lambda).toBe(10);
    expect(spec.dataset).toMatchObject({ size: { height: 128, width: 128 }, digits: { min: 1, max: 5 } });
  });

  it('takes the conv blocks RoI heads read, refusing blocks past the stack or out of order', () => {
    const layers = [{ filters: 8 }, { filters: 16 }, { filters: 32 }];
    const mask = (architecture: object) => ({
      task: 'segment',
      model: 'scenes',
      architecture: { type: 'mask-rcnn', layers, ...architecture },
      dataset: { name: 'digit-scenes' },
    });
    const spec = defaultJobSpecSchema.parse(mask({ roiMaps: [1, 2], maskHead: { maps: [0] } }));
    if (spec.architecture.type !== 'mask-rcnn') throw new Error('expected a mask-rcnn');
    expect(spec.architecture.roiMaps).toEqual([1, 2]);
    expect(spec.architecture.maskHead.maps).toEqual([0]);
    expect(issuePaths(mask({ roiMaps: [3] }))).toEqual(['architecture.roiMaps']);
    expect(issuePaths(mask({ maskHead: { maps: [1, 5] } }))).toEqual(['architecture.maskHead.maps']);
    expect(issuePaths(mask({ roiMaps: [2, 1] }))).toEqual(['architecture.roiMaps']);
    const result = defaultJobSpecSchema.safeParse(mask({ roiMaps: [4] }));
    expect(result.error?.issues[0]?.message).toBe('the conv stack has blocks 0..2, not 4');
  });

  it('leaves digit scenes undistorted unless asked, and fills a distortion in with zeros and share 1', () => {
    const scenes = (dataset: object) => ({
      task: 'caption',
      model: 'scenes',
      architecture: { type: 'captioner' },
      dataset: { name: 'digit-scenes', ...dataset },
    });
    expect(defaultJobSpecSchema.parse(scenes({})).dataset).not.toHaveProperty('distort');
    const spec = defaultJobSpecSchema.parse(scenes({ distort: { rotate: 10 } }));
    expect(spec.dataset).toMatchObject({
      distort: { rotate: 10, shear: 0, elastic: { alpha: 0, sigma: 4 }, share: 1 },
    });
    expect(issuePaths(scenes({ distort: { rotate: 90 } }))).toEqual(['dataset.distort.rotate']);
    expect(issuePaths(scenes({ distort: { elastic: { sigma: 0 } } }))).toEqual([
      'dataset.distort.elastic.sigma',
    ]);
    expect(issuePaths(scenes({ distort: { share: 2 } }))).toEqual(['dataset.distort.share']);
  });

  it('takes two to six distinct published captioners as an ensemble, with no transfer or search', () => {
    const ensemble = (members: object[], extra: object = {}) => ({
      task: 'caption',
      model: 'captions',
      architecture: { type: 'captioner-ensemble', members },
      dataset: { name: 'digit-scenes' },
      ...extra,
    });
    const five = { model: 'digits-captioner', version: 5 };
    const two = [five, { model: 'digits-captioner', version: 6 }];
    expect(defaultJobSpecSchema.parse(ensemble(two)).architecture).toEqual({
      type: 'captioner-ensemble',
      members: two,
    });
    expect(issuePaths(ensemble(two.slice(0, 1)))).toEqual(['architecture.members']);
    const many = [1, 2, 3, 4, 5, 6, 7].map((version) => ({ model: 'c', version }));
    expect(defaultJobSpecSchema.safeParse(ensemble(many.slice(0, 6))).success).toBe(true);
    expect(issuePaths(ensemble(many))).toEqual(['architecture.members']);
    expect(issuePaths(ensemble([five, five]))).toEqual(['architecture.members']);
    expect(issuePaths(ensemble([five, { model: 'digits-captioner' }]))).toEqual([
      'architecture.members.1.version',
    ]);
    expect(issuePaths(ensemble(two, { transferFrom: { model: 'digits-faster-rcnn' } }))).toEqual([
      'transferFrom',
    ]);
    expect(issuePaths({ ...ensemble(two), task: 'detect' })).toEqual(['architecture.type']);
  });

  it('rejects an unknown architecture at architecture.type', () => {
    expect(issuePaths({ ...minimal, architecture: { type: 'transformer' } })).toEqual(['architecture.type']);
  });

  it('rejects a negative learning rate at optimizer.lr', () => {
    expect(issuePaths({ ...minimal, optimizer: { type: 'sgd', lr: -0.1 } })).toEqual(['optimizer.lr']);
  });

  it('rejects a batch size of 0 at schedule.batchSize', () => {
    expect(issuePaths({ ...minimal, schedule: { batchSize: 0 } })).toEqual(['schedule.batchSize']);
  });

  it('rejects 10^9 epochs over the cap and names the cap', () => {
    const result = defaultJobSpecSchema.safeParse({ ...minimal, schedule: { epochs: 1e9 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['schedule', 'epochs']);
    expect(result.error?.issues[0]?.message).toContain('200');
  });

  it('takes the epoch cap from the factory', () => {
    const strict = jobSpecSchema({ maxEpochs: 5 });
    expect(issuePaths({ ...minimal, schedule: { epochs: 6 } }, strict)).toEqual(['schedule.epochs']);
    expect(strict.parse(minimal).schedule.epochs).toBe(5);
    expect(strict.parse({ ...minimal, schedule: { epochs: 5 } }).schedule.epochs).toBe(5);
  });

  it.each(['Digits', '-digits', 'digits/../etc', 'a'.repeat(65), ''])(
    'rejects the model name %j',
    (model) => {
      expect(issuePaths({ ...minimal, model })).toEqual(['model']);
    },
  );

  it('rejects an architecture that does not solve the task', () => {
    expect(issuePaths({ ...minimal, task: 'detect', dataset: { name: 'digit-scenes' } })).toEqual([
      'architecture.type',
    ]);
  });

  it('rejects a dataset that cannot train the task', () => {
    expect(issuePaths({ ...minimal, dataset: { name: 'digit-scenes' } })).toEqual(['dataset.name']);
  });

  it('rejects a log search range starting at 0 and an empty space', () => {
    expect(
      issuePaths({ ...minimal, search: { space: { 'optimizer.lr': [0, 1, 'log'] } } }).every((p) =>
        p.startsWith('search.space.optimizer.lr'),
      ),
    ).toBe(true);
    expect(issuePaths({ ...minimal, search: { space: {} } })).toEqual(['search.space']);
  });

  it('rejects a transfer source with both version and alias', () => {
    expect(
      issuePaths({ ...minimal, transferFrom: { model: 'digits-cnn', version: 2, alias: 'production' } }),
    ).toEqual(['transferFrom.alias']);
  });

  it("fills Random Erasing with the paper's defaults and rejects an inverted range", () => {
    const base = { task: 'classify', model: 'm', architecture: { type: 'cnn' }, dataset: { name: 'mnist' } };
    const spec = defaultJobSpecSchema.parse({ ...base, augmentation: { randomErasing: {} } });
    expect(spec.augmentation.randomErasing).toEqual({
      probability: 0.5,
      scale: [0.02, 0.4],
      ratio: [0.3, 3.3],
      value: 'random',
    });
    const inverted = defaultJobSpecSchema.safeParse({
      ...base,
      augmentation: { randomErasing: { scale: [0.4, 0.1] } },
    });
    expect(inverted.error?.issues[0]?.path).toEqual(['augmentation', 'randomErasing', 'scale']);
    const over = defaultJobSpecSchema.safeParse({
      ...base,
      augmentation: { randomErasing: { probability: 2 } },
    });
    expect(over.success).toBe(false);
  });

  it('rejects dropout of 1 and a linear model without a loss', () => {
    expect(issuePaths({ ...minimal, regularization: { dropout: 1 } })).toEqual(['regularization.dropout']);
    expect(issuePaths({ ...minimal, architecture: { type: 'linear' } })).toEqual(['architecture.loss']);
  });

  it('converts to JSON Schema for the OpenAPI document', () => {
    const schema = z.toJSONSchema(defaultJobSpecSchema, { io: 'input', unrepresentable: 'any' });
    expect(schema.required).toEqual(['task', 'model', 'architecture']);
  });
});
