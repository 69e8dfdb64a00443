import { defaultJobSpecSchema } from '@ocellus/contracts';
import { FastRcnn, modelFromArtifact, Rcnn, toRecords, type VisionModel } from '@ocellus/models';
import type { Manifest } from '@ocellus/registry';
import { gatherBatch } from '@ocellus/vision/datasets';
import { describe, expect, it } from 'vitest';
import { recallAt50, scenes } from './square-scenes.js';

const layers = [
  { filters: 8, kernel: 3, pool: 2 },
  { filters: 16, kernel: 3, pool: 2 },
];
const common = {
  layers,
  fc: [32],
  proposals: { max: 100 },
  roiHeads: { batchSizePerImage: 16 },
};
const families = [
  {
    name: 'fast-rcnn',
    model: FastRcnn,
    architecture: { type: 'fast-rcnn', ...common, roiPool: { output: 4 } },
  },
  {
    name: 'fast-rcnn reading both conv blocks',
    model: FastRcnn,
    architecture: { type: 'fast-rcnn', ...common, roiPool: { method: 'pool', output: 4 }, roiMaps: [0, 1] },
  },
  { name: 'rcnn', model: Rcnn, architecture: { type: 'rcnn', ...common, warpSize: 16 } },
] as const;

const spec = (architecture: object, epochs: number) =>
  defaultJobSpecSchema.parse({
    task: 'detect',
    model: 'squares',
    architecture,
    dataset: { name: 'digit-scenes' },
    optimizer: { type: 'adam', lr: 0.003 },
    schedule: { epochs, batchSize: 8 },
    seed: 3,
  });

describe.each(families)('$name on selective-search proposals', ({ model, architecture }) => {
  it('learns to find the squares, logs cls and box losses, and its artifact detects the same', async () => {
    const data = scenes(200, 1);
    const detector = model.create(spec(architecture, 6), data);
    const losses = new Set<string>();
    await detector.fit(data, spec(architecture, 6), {
      onProgress: (p) => {
        for (const k of Object.keys(p.metrics)) losses.add(k);
      },
    });
    expect(losses).toContain('loss_cls');
    expect(losses).toContain('loss_box');
    const inputs = gatherBatch(data.set, data.validation).inputs;
    const outputs = detector.predict(inputs);
    expect(recallAt50(outputs, data.targets(data.validation))).toBeGreaterThan(0.8);
    // R-CNN runs a batch's crops in passes of a few hundred (these scenes give more): same as one scene at a time.
    const alone = Array.from(
      data.validation,
      (i) => detector.predict(gatherBatch(data.set, Int32Array.of(i)).inputs)[0],
    );
    expect(outputs).toEqual(alone);
    const artifact = detector.toArtifact();
    const manifest = { ...artifact, name: 'squares', version: 1, task: 'detect' } as unknown as Manifest;
    const restored = modelFromArtifact(manifest, toRecords(artifact.tensors)) as VisionModel<'detect'>;
    expect(restored.predict(inputs)).toEqual(outputs);
  }, 120_000);

  it('refuses a proposal method this build does not have', () => {
    const data = scenes(20, 2);
    const other = { ...architecture, proposals: { method: 'connected-components' } };
    expect(() => model.create(spec(other, 1), data)).toThrow(/'connected-components' is not available/);
  });
});
