import type { Box } from '@ocellus/contracts';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import {
  modelFromArtifact,
  type ScoringContext,
  SlidingWindowDetector,
  scorers,
  type TrainingData,
  toRecords,
  type VisionModel,
} from '@ocellus/models';
import type { Manifest } from '@ocellus/registry';
import { Rng } from '@ocellus/tensor';
import { boxIou } from '@ocellus/vision/boxes';
import { gatherBatch } from '@ocellus/vision/datasets';
import { describe, expect, it } from 'vitest';

const SIDE = 64;

/** 64x64 canvases with 1-3 squares (10-20 px) apart from each other: filled (class 0) or outlined (class 1). */
function squareScenes(count: number, seed: number): TrainingData<'detect'> {
  const rng = new Rng(seed);
  const images = new Float32Array(count * SIDE * SIDE);
  const scenes: { index: number; box: Box }[][] = [];
  for (let i = 0; i < count; i++) {
    const objects: { index: number; box: Box }[] = [];
    const wanted = 1 + Math.floor(rng.uniform() * 3);
    for (let tries = 0; objects.length < wanted && tries < 50; tries++) {
      const size = 10 + Math.floor(rng.uniform() * 11);
      const x0 = Math.floor(rng.uniform() * (SIDE - size + 1));
      const y0 = Math.floor(rng.uniform() * (SIDE - size + 1));
      const box: Box = [x0, y0, x0 + size, y0 + size];
      const grown: Box = [x0 - 3, y0 - 3, x0 + size + 3, y0 + size + 3];
      if (objects.some((o) => boxIou(o.box, grown) > 0)) continue;
      const index = rng.uniform() < 0.5 ? 0 : 1;
      for (let y = y0; y < y0 + size; y++) {
        for (let x = x0; x < x0 + size; x++) {
          const edge = y <= y0 + 1 || x <= x0 + 1 || y >= y0 + size - 2 || x >= x0 + size - 2;
          if (index === 0 || edge) images[i * SIDE * SIDE + y * SIDE + x] = 1;
        }
      }
      objects.push({ index, box });
    }
    scenes.push(objects);
  }
  const set = { images, labels: new Int32Array(count), size: count, channels: 1, height: SIDE, width: SIDE };
  const all = Int32Array.from({ length: count }, (_, i) => i);
  return {
    task: 'detect',
    set,
    train: all.subarray(0, count - 60),
    validation: all.subarray(count - 60),
    labels: ['filled', 'outline'],
    targets: (indices) => Array.from(indices, (i) => ({ objects: scenes[i]! })),
    imageFormat: 'photo',
  };
}

const spec = defaultJobSpecSchema.parse({
  task: 'detect',
  model: 'squares',
  architecture: {
    type: 'sliding-window',
    layers: [
      { filters: 8, kernel: 3, padding: 0, pool: 2 },
      { filters: 16, kernel: 3, padding: 0, pool: 2 },
    ],
    fc: [32],
    window: { size: 16, sizes: [14, 19, 25, 32] },
    boxWeight: 10,
  },
  dataset: { name: 'digit-scenes' },
  optimizer: { type: 'adam', lr: 0.003 },
  schedule: { epochs: 12, batchSize: 8 },
  seed: 3,
});

describe('sliding-window detector', () => {
  it('finds the objects of held-out scenes, and its artifact detects the same', async () => {
    const data = squareScenes(360, 1);
    const model = SlidingWindowDetector.create(spec, data);
    const losses = new Set<string>();
    await model.fit(data, spec, {
      onProgress: (p) => {
        for (const k of Object.keys(p.metrics)) losses.add(k);
      },
    });
    expect(losses).toContain('loss_cls');
    expect(losses).toContain('loss_box');

    const held = squareScenes(80, 77);
    const all = Int32Array.from({ length: 80 }, (_, i) => i);
    const inputs = gatherBatch(held.set, all).inputs;
    const outputs = model.predict(inputs);
    const context: ScoringContext = { labels: held.labels, height: SIDE, width: SIDE };
    const { metrics } = scorers.detect(outputs, held.targets(all), context);
    // A detector that had learnt nothing would score about 0; this small run measures 0.71.
    expect(metrics.testAp50).toBeGreaterThan(0.6);
    for (const { detections } of outputs) {
      expect(detections.length).toBeLessThanOrEqual(100);
      for (const { box, score } of detections) {
        expect(score).toBeGreaterThan(0.05);
        expect(box[0]).toBeGreaterThanOrEqual(0);
        expect(box[3]).toBeLessThanOrEqual(SIDE);
      }
    }

    const artifact = model.toArtifact();
    const manifest = { ...artifact, name: 'squares', version: 1, task: 'detect' } as unknown as Manifest;
    const restored = modelFromArtifact(manifest, toRecords(artifact.tensors)) as VisionModel<'detect'>;
    expect(restored.predict(inputs)).toEqual(outputs);
    const tensors = restored.infer(gatherBatch(held.set, all.subarray(0, 2)).inputs);
    expect(tensors.boxes!.shape).toEqual([2, 100, 4]);
    expect(tensors.scores!.values()[0]).toBeCloseTo(outputs[0]!.detections[0]!.score, 6);
  }, 180_000);
});
