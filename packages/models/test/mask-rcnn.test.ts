import { defaultJobSpecSchema } from '@ocellus/contracts';
import {
  FasterRcnn,
  MaskRcnn,
  modelFromArtifact,
  scorers,
  type TrainingData,
  toRecords,
  type VisionModel,
} from '@ocellus/models';
import type { Manifest } from '@ocellus/registry';
import { gatherBatch } from '@ocellus/vision/datasets';
import { describe, expect, it } from 'vitest';
import { maskedScenes, SIDE, SQUARE_TRUNK, scenes } from './square-scenes.js';

const MASK_HEAD = { roiOutput: 7, convs: 2, channels: 8, resolution: 14 };

const spec = (epochs: number) =>
  defaultJobSpecSchema.parse({
    task: 'segment',
    model: 'squares',
    architecture: {
      type: 'mask-rcnn',
      ...SQUARE_TRUNK,
      maskHead: MASK_HEAD,
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
    // Masks are copies: passes that reuse the memory of the one before leave them as they were.
    const before = structuredClone(outputs);
    restored.predict(gatherBatch(data.set, data.train.subarray(0, 3)).inputs);
    expect(restored.predict(inputs)).toEqual(before);
    expect(outputs).toEqual(before);
    const tensors = restored.infer(inputs);
    expect(tensors.masks!.shape).toEqual([data.validation.length, 100, 14, 14]);

    // A scratch budget below one RoI's: the mask head takes one RoI per pass, and gives the same masks.
    expect(outputs.flatMap((o) => o.detections).length).toBeGreaterThan(1);
    model.maskPassBytes = 1;
    const onePerPass = model.predict(inputs);
    onePerPass.forEach(({ detections }, i) => {
      expect(detections.map(({ mask: _m, ...d }) => d)).toEqual(
        outputs[i]!.detections.map(({ mask: _m, ...d }) => d),
      );
      detections.forEach(({ mask }, j) => {
        const whole = outputs[i]!.detections[j]!.mask.data;
        expect(Array.from(mask.data)).toEqual(Array.from(whole, (v) => expect.closeTo(v, 5)));
      });
    });
  }, 180_000);

  it('starts from a trained Faster R-CNN: the frozen trunk detects exactly as it did, the new mask head learns', async () => {
    const data = maskedScenes(200, 2);
    const { maskHead: _, ...trunk } = spec(1).architecture as Record<string, unknown>;
    const fasterSpec = defaultJobSpecSchema.parse({
      ...spec(6),
      task: 'detect',
      architecture: { ...trunk, type: 'faster-rcnn' },
    });
    const faster = FasterRcnn.create(fasterSpec, scenes(200, 2));
    await faster.fit(scenes(200, 2), fasterSpec, {});
    const maskSpec = defaultJobSpecSchema.parse({
      ...spec(6),
      transferFrom: { model: 'squares-faster', freeze: ['backbone', 'rpn', 'head'] },
    });
    const model = faster.transfer(maskSpec, data) as VisionModel<'segment'>;
    expect(model).toBeInstanceOf(MaskRcnn);
    const seen: Record<string, number>[] = [];
    await model.fit(data, maskSpec, { onProgress: (p) => void seen.push(p.metrics) });
    const first = seen.find((m) => m.loss_mask !== undefined)!;
    expect(seen.at(-1)!.loss_mask!).toBeLessThan(0.7 * first.loss_mask!);

    const inputs = gatherBatch(data.set, data.validation).inputs;
    const boxes = model.predict(inputs).map(({ detections }) => detections.map(({ mask: _m, ...d }) => d));
    expect(boxes).toEqual(faster.predict(inputs).map(({ detections }) => detections));
    expect(boxes.flat().length).toBeGreaterThan(0);
  }, 180_000);

  it('reads finer maps when told: the box head both blocks, the mask head the first, and still learns', async () => {
    const data = maskedScenes(300, 5);
    const fine = defaultJobSpecSchema.parse({
      ...spec(10),
      architecture: {
        ...(spec(10).architecture as object),
        roiMaps: [0, 1],
        maskHead: { ...MASK_HEAD, maps: [0] },
      },
    });
    const model = MaskRcnn.create(fine, data);
    const seen: Record<string, number>[] = [];
    await model.fit(data, fine, { onProgress: (p) => void seen.push(p.metrics) });
    const first = seen.find((m) => m.loss_mask !== undefined)!;
    expect(seen.at(-1)!.loss_mask!).toBeLessThan(0.5 * first.loss_mask!);
    const artifact = model.toArtifact();
    // 8 + 16 channels of 4x4 RoIAligned features into the box head's FC 32; 8 into the mask head's first conv.
    expect(artifact.tensors['net.head.fc.1.weight']!.shape).toEqual([32, (8 + 16) * 16]);
    expect(artifact.tensors['net.mask.convs.0.weight']!.shape).toEqual([8, 8, 3, 3]);
    const inputs = gatherBatch(data.set, data.validation).inputs;
    const outputs = model.predict(inputs);
    const { metrics } = scorers.segment(outputs, data.targets(data.validation), {
      labels: data.labels,
      height: SIDE,
      width: SIDE,
    });
    expect(metrics.testMaskAp50).toBeGreaterThan(0.7);
    const manifest = { ...artifact, name: 'squares', version: 1, task: 'segment' } as unknown as Manifest;
    const restored = modelFromArtifact(manifest, toRecords(artifact.tensors)) as VisionModel<'segment'>;
    expect(restored.predict(inputs)).toEqual(outputs);
  }, 180_000);

  it('takes a Faster R-CNN trunk only for a mask-rcnn with the same labels and input', async () => {
    const fasterSpec = defaultJobSpecSchema.parse({
      ...spec(1),
      task: 'detect',
      architecture: { ...(spec(1).architecture as object), type: 'faster-rcnn' },
    });
    const detect = scenes(40, 4);
    const faster = FasterRcnn.create(fasterSpec, detect);
    await faster.fit(detect, fasterSpec, {});
    const data = maskedScenes(40, 4);
    expect(() => faster.transfer(fasterSpec, detect)).toThrow(/starts a 'mask-rcnn'.*not a 'faster-rcnn'/);
    const relabelled: TrainingData = { ...data, labels: ['a', 'b'] };
    expect(() => faster.transfer(spec(1), relabelled)).toThrow(
      /detects \[filled, outline\], the dataset has \[a, b\]/,
    );
    const frozenTooMuch = defaultJobSpecSchema.parse({
      ...spec(1),
      transferFrom: { model: 'f', freeze: ['nope'] },
    });
    expect(() => faster.transfer(frozenTooMuch, data)).toThrow(/'nope' names no parameter/);
    const coarse = defaultJobSpecSchema.parse({
      ...spec(1),
      architecture: { ...(spec(1).architecture as object), maskHead: { ...MASK_HEAD, maps: [2] } },
      transferFrom: { model: 'f' },
    });
    expect(() => faster.transfer(coarse, data)).toThrow(/has conv blocks 0\.\.1; maskHead\.maps names 2/);
  }, 60_000);
});
