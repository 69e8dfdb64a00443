import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import {
  artifactRecords,
  KnnClassifier,
  modelFromArtifact,
  runTrainingJob,
  type TrainingData,
  type VisionModel,
} from '@ocellus/models';
import { type Manifest, openRegistry } from '@ocellus/registry';
import { Rng, Tensor } from '@ocellus/tensor';
import { gatherBatch } from '@ocellus/vision/datasets';
import { loadMnist, mnistSubset } from '@ocellus/vision/mnist';
import { topK } from '@ocellus/vision/outputs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantizeColumns, quantizeColumns } from '../src/classify/knn-storage.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ocellus-knn-storage-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const CONSTANT = 0.7;

/** Square one-channel images of `side` px as a classify set; the last `validation` images validate. */
function imageData(images: Float32Array, labels: Int32Array, side: number, validation: number) {
  const count = labels.length;
  const all = Int32Array.from({ length: count }, (_, i) => i);
  const data: TrainingData<'classify'> = {
    task: 'classify',
    set: { images, labels, size: count, channels: 1, height: side, width: side },
    train: all.subarray(0, count - validation),
    validation: all.subarray(count - validation),
    labels: ['a', 'b'],
    targets: (indices) => Array.from(indices, (i) => labels[i]!),
    imageFormat: 'photo',
  };
  return data;
}

/** 4x4 images, class 0 bright on the left, class 1 on the right, noisy; pixel 0 is always `CONSTANT`. */
function halves(count: number, seed: number): TrainingData<'classify'> {
  const rng = new Rng(seed);
  const images = new Float32Array(count * 16);
  const labels = Int32Array.from({ length: count }, (_, i) => i % 2);
  labels.forEach((label, i) => {
    for (let p = 0; p < 16; p++) {
      const left = p % 4 < 2;
      images[i * 16 + p] = (left === (label === 0) ? 0.6 : 0.2) + 0.3 * rng.uniform();
    }
    images[i * 16] = CONSTANT;
  });
  return imageData(images, labels, 4, 40);
}

const knnSpec = (architecture: Record<string, unknown>) =>
  defaultJobSpecSchema.parse({
    task: 'classify',
    model: 'synthetic-knn',
    dataset: { name: 'mnist' },
    architecture: { type: 'knn', ...architecture },
    preprocessing: { normalize: 'none' },
  });

describe('quantizeColumns', () => {
  it('codes each column from its min to its max in 255 steps and keeps a constant column exact', () => {
    const x = new Tensor(Float32Array.from([-1, 3, 0.25, 0, 3, 0.5, 1.5, 3, 2]), [3, 3]);
    const q = quantizeColumns(x);
    expect(Array.from(q.offset)).toEqual([-1, 3, 0.25]);
    expect(Array.from(q.scale)).toEqual([Math.fround(2.5 / 255), 0, Math.fround(1.75 / 255)]);
    expect(Array.from(q.codes)).toEqual([0, 0, 0, 102, 0, 36, 255, 0, 255]);
    const decoded = dequantizeColumns(q).values();
    x.values().forEach((v, i) => {
      expect(Math.abs(decoded[i]! - v)).toBeLessThanOrEqual(q.scale[i % 3]! / 2 + 1e-7);
    });
    expect([decoded[1], decoded[4], decoded[7]]).toEqual([3, 3, 3]);
  });
});

describe('kNN with uint8 storage', () => {
  it('predicts with the decoded features from the end of fit on, as a restored model does', async () => {
    // One pixel; 0.499 decodes to 127/255 and 0.503 to 128/255, which moves 0.5008's nearest neighbour.
    const data = imageData(
      Float32Array.from([0, 0.499, 0.503, 1, 0.5008]),
      Int32Array.from([0, 0, 1, 1, 0]),
      1,
      1,
    );
    const query = gatherBatch(data.set, Int32Array.of(4)).inputs;
    const nearestOf = async (storage: string) => {
      const spec = knnSpec({ k: 1, storage });
      const model = KnnClassifier.create(spec, data);
      const metrics = await model.fit(data, spec, {});
      const artifact = model.toArtifact();
      const manifest = {
        ...artifact,
        name: 'one-pixel',
        version: 1,
        task: 'classify',
      } as unknown as Manifest;
      const restored = modelFromArtifact(manifest, artifactRecords(artifact)) as VisionModel<'classify'>;
      const [trained] = model.predict(query);
      const [again] = restored.predict(query);
      expect(again!.scores).toEqual(trained!.scores);
      return { metrics, predicted: topK(trained!.scores, 1)[0] };
    };
    expect(await nearestOf('float32')).toEqual({ metrics: { k: 1, valAccuracy: 1 }, predicted: 0 });
    expect(await nearestOf('uint8')).toEqual({ metrics: { k: 1, valAccuracy: 0 }, predicted: 1 });
  });

  it('publishes U8 codes that a restored model decodes to exactly the trained predictions', async () => {
    const data = halves(240, 4);
    const spec = knnSpec({ k: 3, storage: 'uint8' });
    const model = KnnClassifier.create(spec, data);
    const metrics = await model.fit(data, spec, {});
    expect(metrics.valAccuracy).toBeGreaterThan(0.95);
    const artifact = model.toArtifact();
    const registry = openRegistry(root);
    const published = await registry.publish('halves-knn', {
      task: 'classify',
      architecture: artifact.architecture,
      inputSpec: artifact.inputSpec,
      preprocessing: artifact.preprocessing,
      labels: artifact.labels,
      metrics,
      tensors: artifactRecords(artifact),
    });
    const loaded = await registry.load('halves-knn', published.version);
    expect(loaded.tensors['train.codes']?.dtype).toBe('U8');
    expect(loaded.tensors['train.codes']?.shape).toEqual([200, 16]);
    expect(loaded.tensors['train.features']).toBeUndefined();

    const restored = modelFromArtifact(loaded.manifest, loaded.tensors) as KnnClassifier;
    const held = halves(100, 9);
    const inputs = gatherBatch(
      held.set,
      Int32Array.from({ length: 100 }, (_, i) => i),
    ).inputs;
    expect(Array.from(restored.infer(inputs).scores!.values())).toEqual(
      Array.from(model.infer(inputs).scores!.values()),
    );
    const again = restored.toArtifact();
    expect(again.records?.['train.codes']?.data).toEqual(artifact.records?.['train.codes']?.data);
    const scale = again.tensors['train.scale']!.values();
    const offset = again.tensors['train.offset']!.values();
    expect([scale[0], offset[0]]).toEqual([0, Math.fround(CONSTANT)]);
  });

  it('publishes about 4x smaller weights than float32 on MNIST at about the same accuracy', async () => {
    const registry = openRegistry(root);
    const train = async (storage: string | undefined) =>
      runTrainingJob(
        defaultJobSpecSchema.parse({
          task: 'classify',
          model: `mnist-knn-${storage ?? 'default'}`,
          dataset: { name: 'mnist', train: 600, validation: 200, test: 300, seed: 3 },
          architecture: { type: 'knn', k: 3, ...(storage ? { storage } : {}) },
          seed: 5,
        }),
        { registry, jobId: null },
      );
    const float = await train(undefined);
    const quantized = await train('uint8');
    expect(float.manifest.architecture.storage).toBe('float32');
    const floatWeights = await registry.load(float.manifest.name, float.manifest.version);
    expect(floatWeights.tensors['train.features']?.dtype).toBe('F32');
    expect(floatWeights.tensors['train.codes']).toBeUndefined();

    const ratio = float.manifest.weights.bytes / quantized.manifest.weights.bytes;
    expect(ratio).toBeGreaterThan(3.7);
    expect(ratio).toBeLessThan(4);
    expect(Math.abs(quantized.metrics.testAccuracy! - float.metrics.testAccuracy!)).toBeLessThanOrEqual(0.01);

    const loaded = await registry.load(quantized.manifest.name, quantized.manifest.version);
    const model = modelFromArtifact(loaded.manifest, loaded.tensors) as VisionModel<'classify'>;
    const test = gatherBatch(loadMnist(), mnistSubset({ test: 300, seed: 3 }).test);
    const correct = model
      .predict(test.inputs)
      .filter(({ scores }, i) => topK(scores, 1)[0] === test.targets[i]).length;
    expect(correct / test.size).toBe(quantized.metrics.testAccuracy);
  });
});
