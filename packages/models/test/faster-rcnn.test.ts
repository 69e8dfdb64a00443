import { defaultJobSpecSchema } from '@ocellus/contracts';
import { FasterRcnn, modelFromArtifact, toRecords, type VisionModel } from '@ocellus/models';
import type { Manifest } from '@ocellus/registry';
import { gatherBatch } from '@ocellus/vision/datasets';
import { describe, expect, it, vi } from 'vitest';
import { FasterRcnn as SourceFasterRcnn } from '../src/detect/faster-rcnn/faster-rcnn.js';
import { SceneDataset } from '../src/detect/region/scene-dataset.js';
import { recallAt50, SIDE, SQUARE_TRUNK, scenes } from './square-scenes.js';

const spec = (epochs: number) =>
  defaultJobSpecSchema.parse({
    task: 'detect',
    model: 'squares',
    architecture: {
      type: 'faster-rcnn',
      ...SQUARE_TRUNK,
    },
    dataset: { name: 'digit-scenes' },
    optimizer: { type: 'adam', lr: 0.003 },
    schedule: { epochs, batchSize: 8 },
    seed: 3,
  });

describe('faster-rcnn', () => {
  it('lowers its four losses as it trains, and its artifact detects the same', async () => {
    const data = scenes(300, 1);
    const model = FasterRcnn.create(spec(10), data);
    const seen: Record<string, number>[] = [];
    await model.fit(data, spec(10), {
      onProgress: (p) => {
        seen.push(p.metrics);
      },
    });
    const [first, last] = [seen[0]!, seen.at(-1)!];
    for (const name of ['loss_rpnObjectness', 'loss_rpnBox', 'loss_cls', 'loss_box']) {
      expect(first[name], name).toBeGreaterThan(0);
    }
    // The RPN's losses fall; the RoI heads' need not, as better proposals bring them more positives.
    expect(last.loss_rpnObjectness!).toBeLessThan(0.5 * first.loss_rpnObjectness!);
    expect(last.loss_rpnBox!).toBeLessThan(0.5 * first.loss_rpnBox!);

    const inputs = gatherBatch(data.set, data.validation).inputs;
    const outputs = model.predict(inputs);
    expect(outputs).toHaveLength(data.validation.length);
    expect(recallAt50(outputs, data.targets(data.validation))).toBeGreaterThan(0.8);
    for (const { detections } of outputs) {
      for (const { box, score, index } of detections) {
        expect(score).toBeGreaterThan(0.05);
        expect([0, 1]).toContain(index);
        expect(box[0]).toBeGreaterThanOrEqual(0);
        expect(box[2]).toBeLessThanOrEqual(SIDE);
      }
    }
    const artifact = model.toArtifact();
    const manifest = { ...artifact, name: 'squares', version: 1, task: 'detect' } as unknown as Manifest;
    const restored = modelFromArtifact(manifest, toRecords(artifact.tensors)) as VisionModel<'detect'>;
    expect(restored.predict(inputs)).toEqual(outputs);
    // Each pass hands its temporaries back for the next: a pass on other scenes between two on the same
    // ones, and a single scene, change nothing.
    const others = gatherBatch(data.set, data.train.subarray(0, 3)).inputs;
    const single = gatherBatch(data.set, data.validation.subarray(0, 1)).inputs;
    expect(restored.predict(others)).toHaveLength(3);
    expect(restored.predict(single)).toEqual(outputs.slice(0, 1));
    expect(restored.predict(inputs)).toEqual(outputs);
    const tensors = restored.infer(inputs);
    expect(tensors.boxes!.shape).toEqual([data.validation.length, 100, 4]);
  }, 120_000);

  it('gives the same weights for the same spec and seed', async () => {
    const data = scenes(40, 2);
    const a = FasterRcnn.create(spec(1), data);
    const b = FasterRcnn.create(spec(1), data);
    await a.fit(data, spec(1), {});
    await b.fit(data, spec(1), {});
    const wa = a.toArtifact().tensors;
    const wb = b.toArtifact().tensors;
    for (const name of Object.keys(wa))
      expect(Array.from(wb[name]!.values()), name).toEqual(Array.from(wa[name]!.values()));
  });

  it('validates in batches of its training batch size, which fit in memory as its steps do', async () => {
    const data = scenes(40, 2);
    const tiny = { ...spec(1), schedule: { ...spec(1).schedule, batchSize: 4 } };
    const read = vi.spyOn(SceneDataset.prototype, 'batch');
    try {
      await SourceFasterRcnn.create(tiny, data).fit(data, tiny, {});
      const sizes = read.mock.calls.map(([positions]) => positions.length);
      // The 10 training and 30 validation scenes, none read more than 4 at a time (fit's default is 256).
      expect(Math.max(...sizes)).toBe(4);
      expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(
        data.train.length + data.validation.length,
      );
    } finally {
      read.mockRestore();
    }
  });
});
