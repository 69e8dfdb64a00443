import { defaultJobSpecSchema } from '@ocellus/contracts';
import { MaskRcnn, modelFromArtifact, scorers, toRecords, type VisionModel } from '@ocellus/models';
import type { Manifest } from '@ocellus/registry';
import { gatherBatch } from '@ocellus/vision/datasets';
import { describe, expect, it } from 'vitest';
import { maskedScenes, SIDE } from './square-scenes.js';

const spec = (epochs: number) =>
  defaultJobSpecSchema.parse({
    task: 'segment',
    model: 'squares',
    architecture: {
      type: 'mask-rcnn',
      layers: [
        { filters: 8, kernel: 3, pool: 2 },
        { filters: 16, kernel: 3, pool: 2 },
      ],
      fc: [32],
      anchors: { sizes: [12, 16], ratios: [1] },
      rpn: {
        channels: 16,
        batchSizePerImage: 32,
        preNmsTopN: { train: 100, test: 50 },
        postNmsTopN: { train: 30, test: 20 },
      },
      roiAlign: { output: 4 },
      roiHeads: { batchSizePerImage: 16 },
      maskHead: { roiOutput: 7, convs: 2, channels: 8, resolution: 14 },
      lambda: 1,
    },
    dataset: { name: 'digit-scenes' },
    optimizer: { type: 'adam', lr: 0.003 },
    schedule: { epochs, batchSize: 8 },
    seed: 3,
  });

describe('mask-rcnn', () => {
  it('learns boxes and masks (the mask loss falls, mask AP50 on held-out scenes), and its artifact segments the same', async () => {
    const data = maskedScenes(300, 1);
    const model = MaskRcnn.create(spec(10), data);
    const seen: Record<string, number>[] = [];
    await model.fit(data, spec(10), {
      onProgress: (p) => {
        seen.push(p.metrics);
      },
    });
    const first = seen.find((m) => m.loss_mask !== undefined)!;
    expect(seen.at(-1)!.loss_mask!).toBeLessThan(0.5 * first.loss_mask!);

    const inputs = gatherBatch(data.set, data.validation).inputs;
    const outputs = model.predict(inputs);
    for (const { detections } of outputs) {
      for (const { mask } of detections) {
        expect([mask.height, mask.width]).toEqual([14, 14]);
        for (const v of mask.data) expect(v >= 0 && v <= 1).toBe(true);
      }
    }
    const { metrics } = scorers.segment(outputs, data.targets(data.validation), {
      labels: data.labels,
      height: SIDE,
      width: SIDE,
    });
    expect(metrics.testMaskAp50).toBeGreaterThan(0.7);

    const artifact = model.toArtifact();
    const manifest = { ...artifact, name: 'squares', version: 1, task: 'segment' } as unknown as Manifest;
    const restored = modelFromArtifact(manifest, toRecords(artifact.tensors)) as VisionModel<'segment'>;
    expect(restored.task).toBe('segment');
    expect(restored.predict(inputs)).toEqual(outputs);
    const tensors = restored.infer(inputs);
    expect(tensors.masks!.shape).toEqual([data.validation.length, 100, 14, 14]);
  }, 180_000);
});
