import { Captioner, modelFromArtifact, toRecords, type VisionModel } from '@ocellus/models';
import type { Manifest } from '@ocellus/registry';
import type { Tensor } from '@ocellus/tensor';
import { gatherBatch } from '@ocellus/vision/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { shapeScenes, tinySpec } from './captioner-scenes.js';

/** Trains on the whole of `data` (training and validation alike); returns the model and the word loss of each epoch. */
async function trained(data: ReturnType<typeof shapeScenes>, spec: ReturnType<typeof tinySpec>) {
  const model = Captioner.create(spec, data);
  const wordLoss: number[] = [];
  await model.fit(data, spec, {
    onProgress: (p) => {
      if (p.metrics['val_exact'] !== undefined) wordLoss.push(p.metrics['loss_words']!);
    },
  });
  return { model, wordLoss };
}

const everything = (data: ReturnType<typeof shapeScenes>) => {
  const all = Int32Array.from({ length: data.set.size }, (_, i) => i);
  return { ...data, train: all, validation: all };
};

const words = (tokens: Int32Array) => Array.from(tokens).join(' ');

describe('captioner', () => {
  const data = everything(shapeScenes(10, 1, { min: 3, max: 3 }));
  const indices = Int32Array.from({ length: 10 }, (_, i) => i);
  const inputs: Tensor = gatherBatch(data.set, indices).inputs;
  let model: Captioner;
  let wordLoss: number[];

  beforeAll(async () => {
    ({ model, wordLoss } = await trained(data, tinySpec({ cell: 'lstm', attention: true })));
  });

  it('learns the three-word captions of a handful of scenes as its word loss falls', () => {
    expect(wordLoss.at(-1)!).toBeLessThan(wordLoss[0]! / 5);
    const truth = data.targets(indices).map((t) => words(t.tokens));
    expect(model.predict(inputs).map((o) => words(o.tokens))).toEqual(truth);
  });

  it('gives one attention grid per word over the encoder cells, each summing to 1', () => {
    for (const output of model.predict(inputs, { attention: true, beam: 3 })) {
      expect(output.attention!.grid).toEqual([8, 8]);
      expect(output.attention!.weights).toHaveLength(output.tokens.length);
      for (const w of output.attention!.weights) {
        expect(w).toHaveLength(64);
        expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
      }
    }
    expect(model.predict(inputs)[0]!.attention).toBeUndefined();
  });

  it('scores a caption by the mean log-probability of its tokens, <end> included', () => {
    for (const output of model.predict(inputs, { beam: 4 })) {
      expect(output.logProb).toBeLessThanOrEqual(0);
      expect(output.logProb).toBeGreaterThan(-0.5);
    }
  });

  it('predicts the same captions, scores and attention after an artifact round trip', () => {
    const artifact = model.toArtifact();
    expect(artifact.labels).toEqual(data.labels);
    const manifest = { ...artifact, name: 'shapes', version: 1, task: 'caption' } as unknown as Manifest;
    const restored = modelFromArtifact(manifest, toRecords(artifact.tensors)) as VisionModel<'caption'>;
    expect(restored.task).toBe('caption');
    expect(restored.labels).toEqual(data.labels);
    for (const beam of [1, 3]) {
      const before = model.predict(inputs, { beam, attention: true });
      const after = restored.predict(inputs, { beam, attention: true });
      expect(after).toEqual(before);
    }
    const raw = restored.infer(inputs);
    expect(raw['tokens']!.shape).toEqual([10, 4]);
    expect(raw['logProb']!.shape).toEqual([10]);
  });
});

describe('captioner training', () => {
  it('gives the same weights for the same seed', async () => {
    const data = everything(shapeScenes(8, 2));
    const spec = tinySpec({ cell: 'lstm', attention: true }, { schedule: { epochs: 2, batchSize: 4 } });
    const weights = async () => (await trained(data, spec)).model.toArtifact().tensors;
    const [a, b] = [await weights(), await weights()];
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const [name, t] of Object.entries(a))
      expect(Array.from(b[name]!.values())).toEqual(Array.from(t.values()));
  });

  it('trains on photo-like versions of its images when the spec asks for them, and only then', async () => {
    const data = everything(shapeScenes(8, 4));
    const plain = tinySpec({ cell: 'lstm', attention: true }, { schedule: { epochs: 1, batchSize: 4 } });
    const photo = { ...plain, augmentation: { ...plain.augmentation, photoLike: true } };
    const weights = async (spec: typeof plain) =>
      Object.values((await trained(data, spec)).model.toArtifact().tensors).map((t) =>
        Array.from(t.values()),
      );
    const [a, b, c] = [await weights(plain), await weights(photo), await weights(photo)];
    // Same seed, so only the images differ; the photo-like ones are seeded too.
    expect(b).not.toEqual(a);
    expect(c).toEqual(b);
  });

  it('lowers the word loss of a vanilla RNN without attention too', async () => {
    const data = everything(shapeScenes(10, 3));
    const spec = tinySpec({ cell: 'rnn', attention: false }, { schedule: { epochs: 15, batchSize: 5 } });
    const { model, wordLoss } = await trained(data, spec);
    expect(wordLoss.at(-1)!).toBeLessThan(wordLoss[0]! / 2);
    expect(Object.keys(model.toArtifact().tensors).some((name) => name.includes('attention'))).toBe(false);
  });
});
