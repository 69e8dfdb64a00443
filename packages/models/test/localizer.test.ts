import type { Box } from '@ocellus/contracts';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import {
  Localizer,
  modelFromArtifact,
  type TrainingData,
  toRecords,
  type VisionModel,
} from '@ocellus/models';
import type { Manifest } from '@ocellus/registry';
import { Rng } from '@ocellus/tensor';
import { boxIou } from '@ocellus/vision/boxes';
import { gatherBatch } from '@ocellus/vision/datasets';
import { topK } from '@ocellus/vision/outputs';
import { describe, expect, it } from 'vitest';

const SIDE = 32;

/**
 * Squares on black 32x32 canvases: filled (class 0) or an outline (class 1), 8-20 px, anywhere; the box
 * is the square's extent. Enough structure that both heads must learn, small enough to train in seconds.
 */
function squares(count: number, seed: number): TrainingData<'localize'> {
  const rng = new Rng(seed);
  const images = new Float32Array(count * SIDE * SIDE);
  const objects: { index: number; box: Box }[] = [];
  for (let i = 0; i < count; i++) {
    const size = 8 + Math.floor(rng.uniform() * 13);
    const x0 = Math.floor(rng.uniform() * (SIDE - size + 1));
    const y0 = Math.floor(rng.uniform() * (SIDE - size + 1));
    const index = rng.uniform() < 0.5 ? 0 : 1;
    for (let y = y0; y < y0 + size; y++) {
      for (let x = x0; x < x0 + size; x++) {
        const edge = y === y0 || x === x0 || y === y0 + size - 1 || x === x0 + size - 1;
        if (index === 0 || edge) images[i * SIDE * SIDE + y * SIDE + x] = 1;
      }
    }
    objects.push({ index, box: [x0, y0, x0 + size, y0 + size] });
  }
  const set = {
    images,
    labels: Int32Array.from(objects, (o) => o.index),
    size: count,
    channels: 1,
    height: SIDE,
    width: SIDE,
  };
  const all = Int32Array.from({ length: count }, (_, i) => i);
  return {
    task: 'localize',
    set,
    train: all.subarray(0, count - 200),
    validation: all.subarray(count - 200),
    labels: ['filled', 'outline'],
    targets: (indices) => Array.from(indices, (i) => objects[i]!),
    imageFormat: 'photo',
  };
}

const spec = defaultJobSpecSchema.parse({
  task: 'localize',
  model: 'squares',
  architecture: {
    type: 'localizer',
    layers: [
      { filters: 8, kernel: 3, pool: 2 },
      { filters: 16, kernel: 3, pool: 2 },
    ],
    classifier: { size: 16, layers: [{ filters: 8, kernel: 3 }] },
    fc: [64],
    boxWeight: 30,
    smoothL1Beta: 0.01,
  },
  dataset: { name: 'digit-loc' },
  preprocessing: { normalize: 'none' },
  optimizer: { type: 'adam', lr: 0.003 },
  schedule: { epochs: 10, batchSize: 32 },
  seed: 4,
});

describe('localizer', () => {
  it('learns the class and the box, and its artifact predicts the same', async () => {
    const data = squares(1400, 1);
    const model = Localizer.create(spec, data);
    const losses = new Set<string>();
    const metrics = await model.fit(data, spec, {
      onProgress: (p) => {
        for (const k of Object.keys(p.metrics)) losses.add(k);
      },
    });
    expect(losses).toContain('loss_cls');
    expect(losses).toContain('loss_box');
    expect(losses).toContain('loss_centre');
    expect(metrics.valAccuracy).toBeGreaterThan(0.95);
    expect(metrics.valMeanIou).toBeGreaterThan(0.65);

    const held = squares(200, 99);
    const inputs = gatherBatch(
      held.set,
      Int32Array.from({ length: 200 }, (_, i) => i),
    ).inputs;
    const outputs = model.predict(inputs);
    const truth = held.targets(Int32Array.from({ length: 200 }, (_, i) => i));
    const meanIou = outputs.reduce((sum, o, i) => sum + boxIou(o.box, truth[i]!.box), 0) / outputs.length;
    const correct = outputs.filter((o, i) => topK(o.scores, 1)[0] === truth[i]!.index).length;
    expect(meanIou).toBeGreaterThan(0.65);
    expect(correct / outputs.length).toBeGreaterThan(0.95);
    for (const { box } of outputs) {
      expect(box[0]).toBeGreaterThanOrEqual(0);
      expect(box[2]).toBeLessThanOrEqual(SIDE);
      expect(box[2]).toBeGreaterThanOrEqual(box[0]);
    }

    const artifact = model.toArtifact();
    const manifest = { ...artifact, name: 'squares', version: 1, task: 'localize' } as unknown as Manifest;
    const restored = modelFromArtifact(manifest, toRecords(artifact.tensors)) as VisionModel<'localize'>;
    expect(restored.task).toBe('localize');
    const again = restored.predict(inputs);
    again.forEach((o, i) => {
      expect(Array.from(o.box)).toEqual(Array.from(outputs[i]!.box));
      expect(Array.from(o.scores)).toEqual(Array.from(outputs[i]!.scores));
    });
    expect(Object.keys(restored.infer(inputs)).sort()).toEqual(['box', 'scores']);
  }, 120_000);

  it('gives the same weights for the same spec and seed', async () => {
    const data = squares(300, 2);
    const short = { ...spec, schedule: { ...spec.schedule, epochs: 1 } };
    const a = Localizer.create(short, data);
    const b = Localizer.create(short, data);
    await a.fit(data, short, {});
    await b.fit(data, short, {});
    const wa = a.toArtifact().tensors;
    const wb = b.toArtifact().tensors;
    for (const name of Object.keys(wa))
      expect(Array.from(wb[name]!.values())).toEqual(Array.from(wa[name]!.values()));
  });

  it('refuses an architecture record that does not parse', () => {
    const data = squares(10, 3);
    const artifact = {
      architecture: { type: 'localizer', network: { inputShape: [] } },
      inputSpec: { channels: 1, height: SIDE, width: SIDE, format: 'photo' },
      labels: data.labels,
      preprocessing: {},
    };
    expect(() => Localizer.fromArtifact(artifact as unknown as Manifest, {})).toThrow(/inputShape/);
  });
});
