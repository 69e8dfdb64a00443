import { defaultJobSpecSchema } from '@ocellus/contracts';
import {
  modelFromArtifact,
  NetworkClassifier,
  prepareData,
  toRecords,
  type VisionModel,
} from '@ocellus/models';
import type { Manifest } from '@ocellus/registry';
import { add } from '@ocellus/tensor';
import { mirror } from '@ocellus/vision/augment';
import { gatherBatch } from '@ocellus/vision/datasets';
import { describe, expect, it } from 'vitest';

const spec = (testTimeFlip: boolean) =>
  defaultJobSpecSchema.parse({
    task: 'classify',
    model: 'digits-flip',
    architecture: { type: 'cnn', layers: [{ filters: 4, kernel: 3 }], fc: [], testTimeFlip },
    dataset: { name: 'mnist', train: 300, validation: 50, test: 50, seed: 4 },
    optimizer: { type: 'adam', lr: 3e-3 },
    schedule: { epochs: 1, batchSize: 32 },
    seed: 5,
  });

describe('a CNN with testTimeFlip', () => {
  it('scores each image as the mean of its own and its mirror image scores, in training and once restored', async () => {
    const { data } = prepareData(spec(true));
    const model = NetworkClassifier.create(spec(true), data);
    await model.fit(data, spec(true), {});
    const artifact = model.toArtifact();
    const manifest = (testTimeFlip: boolean) =>
      ({
        ...artifact,
        architecture: { ...artifact.architecture, testTimeFlip },
        name: 'digits-flip',
        version: 1,
        task: 'classify',
      }) as unknown as Manifest;
    const restore = (testTimeFlip: boolean) =>
      modelFromArtifact(manifest(testTimeFlip), toRecords(artifact.tensors)) as VisionModel<'classify'> &
        NetworkClassifier;
    const [flipping, plain] = [restore(true), restore(false)];
    const x = gatherBatch(data.set, data.validation).inputs;

    const own = plain.infer(x).scores!.values();
    const mirrored = plain.infer(mirror(x)).scores!.values();
    const averaged = flipping.infer(x).scores!.values();
    expect(model.infer(x).scores!.values()).toEqual(averaged);
    let worst = 0;
    for (let i = 0; i < own.length; i++)
      worst = Math.max(worst, Math.abs(averaged[i]! - (own[i]! + mirrored[i]!) / 2));
    expect(worst).toBeLessThan(1e-6);
    // Digits are not mirror-symmetric: the mirror image's scores differ, so the mean is not the image's own.
    expect(own.some((v, i) => Math.abs(v - mirrored[i]!) > 0.05)).toBe(true);
    // A mirror-symmetric image scores the same either way.
    const symmetric = add(x, mirror(x));
    const s = plain.infer(symmetric).scores!.values();
    const t = flipping.infer(symmetric).scores!.values();
    for (let i = 0; i < s.length; i++) expect(t[i]).toBeCloseTo(s[i]!, 6);
  }, 60_000);

  it('is off unless the spec asks for it', () => {
    expect(spec(false).architecture).toMatchObject({ testTimeFlip: false });
    const { testTimeFlip: _, ...unset } = spec(false).architecture as { testTimeFlip: boolean };
    const parsed = defaultJobSpecSchema.parse({ ...spec(false), architecture: unset });
    expect(parsed.architecture).toMatchObject({ testTimeFlip: false });
  });
});
