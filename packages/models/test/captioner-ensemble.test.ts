import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import {
  Captioner,
  CaptionerEnsemble,
  modelFromArtifact,
  prepareData,
  runTrainingJob,
  toRecords,
  type VisionModel,
} from '@ocellus/models';
import { type Manifest, openRegistry } from '@ocellus/registry';
import { noGrad, type Tensor } from '@ocellus/tensor';
import { gatherBatch } from '@ocellus/vision/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanLogProbs } from '../src/caption/ensemble-decoders.js';
import { dataSpecOf } from '../src/pipeline/ensemble-members.js';
import { SHAPE_VOCABULARY, shapeScenes, tinySpec } from './captioner-scenes.js';

const data = shapeScenes(12, 6);
const indices = Int32Array.from({ length: 12 }, (_, i) => i);
const inputs: Tensor = gatherBatch(data.set, indices).inputs;

/** A tiny attention captioner trained briefly with `seed` on the shape scenes (two seeds disagree). */
async function member(seed: number, labels: readonly string[] = data.labels): Promise<Captioner> {
  const spec = tinySpec({ cell: 'lstm', attention: true }, { schedule: { epochs: 4, batchSize: 4 }, seed });
  const own = { ...data, labels };
  const model = Captioner.create(spec, own);
  await model.fit(own, spec, {});
  return model;
}

const named = (captioner: Captioner, version: number) => ({ model: 'shapes', version, captioner });

describe('meanLogProbs', () => {
  it("is each row's renormalised mean of the members' log-probabilities", () => {
    const a = [Math.log(0.5), Math.log(0.3), Math.log(0.2), Math.log(0.9), Math.log(0.05), Math.log(0.05)];
    const b = [Math.log(0.1), Math.log(0.6), Math.log(0.3), Math.log(0.2), Math.log(0.2), Math.log(0.6)];
    const mean = meanLogProbs([a, b], 3);
    for (const row of [0, 3]) {
      const geometric = [0, 1, 2].map((j) => Math.sqrt(Math.exp(a[row + j]!) * Math.exp(b[row + j]!)));
      const total = geometric.reduce((s, g) => s + g, 0);
      geometric.forEach((g, j) => {
        expect(mean[row + j]).toBeCloseTo(Math.log(g / total), 12);
      });
    }
    // The first row's best word is the second: 0.3 * 0.6 beats 0.5 * 0.1 and 0.2 * 0.3.
    expect(mean[1]).toBeGreaterThan(Math.max(mean[0]!, mean[2]!));
  });
});

describe('captioner-ensemble', () => {
  let first: Captioner;
  let second: Captioner;
  beforeAll(async () => {
    [first, second] = [await member(3), await member(4)];
  });

  it('captions as its member does when both members are that one model', () => {
    const self = CaptionerEnsemble.fromMembers([named(first, 1), named(first, 2)]);
    for (const beam of [1, 3]) {
      const alone = first.predict(inputs, { beam, attention: true });
      const together = self.predict(inputs, { beam, attention: true });
      together.forEach((t, i) => {
        expect(Array.from(t.tokens)).toEqual(Array.from(alone[i]!.tokens));
        expect(t.logProb).toBeCloseTo(alone[i]!.logProb, 5);
        expect(t.attention!.grid).toEqual(alone[i]!.attention!.grid);
        t.attention!.weights.forEach((w, s) => {
          const d = Array.from(w, (x, c) => Math.abs(x - alone[i]!.attention!.weights[s]![c]!));
          expect(Math.max(...d)).toBeLessThan(1e-6);
        });
      });
    }
  });

  it("picks each first word by the mean of the members' log-probabilities", () => {
    const ensemble = CaptionerEnsemble.fromMembers([named(first, 1), named(second, 2)]);
    const said = ensemble.predict(inputs);
    const v = data.labels.length;
    const firstSteps = noGrad(() =>
      [first, second].map((m) => {
        const model = m.decoders(inputs).all();
        const start = new Int32Array(12).fill(ensemble.vocabulary.start);
        return model.step(start, model.start()).logProbs;
      }),
    );
    const mean = meanLogProbs(firstSteps, v);
    const choices = Array.from(ensemble.vocabulary.choices);
    said.forEach((caption, i) => {
      const best = choices.reduce((b, t) => (mean[i * v + t]! > mean[i * v + b]! ? t : b));
      expect(caption.tokens[0] ?? ensemble.vocabulary.end).toBe(best);
    });
    // Two seeds disagree somewhere, so the check above saw more than one model's choices.
    const alone = [first, second].map((m) => m.predict(inputs).map((o) => Array.from(o.tokens).join()));
    expect(alone[0]).not.toEqual(alone[1]);
  });

  it('predicts the same captions, scores and attention after an artifact round trip', () => {
    const ensemble = CaptionerEnsemble.fromMembers([named(first, 1), named(second, 2)]);
    const artifact = ensemble.toArtifact();
    expect(Object.keys(artifact.tensors).every((k) => /^member[01]\.net\./.test(k))).toBe(true);
    const manifest = { ...artifact, name: 'shapes', version: 3, task: 'caption' } as unknown as Manifest;
    const restored = modelFromArtifact(manifest, toRecords(artifact.tensors)) as VisionModel<'caption'>;
    expect(restored).toBeInstanceOf(CaptionerEnsemble);
    for (const beam of [1, 3]) {
      expect(restored.predict(inputs, { beam, attention: true })).toEqual(
        ensemble.predict(inputs, { beam, attention: true }),
      );
    }
    expect(restored.infer(inputs)['tokens']!.shape).toEqual([12, 4]);
    const broken = { ...manifest, architecture: { type: 'captioner-ensemble', members: [] } } as Manifest;
    expect(() => modelFromArtifact(broken, toRecords(artifact.tensors))).toThrow(/architecture\.members/);
  });

  it('refuses fewer than two members, and members of another vocabulary', async () => {
    expect(() => CaptionerEnsemble.fromMembers([named(first, 1)])).toThrow(/at least two members/);
    const renamed = SHAPE_VOCABULARY.map((w) => (w === 'ring' ? 'hoop' : w));
    const other = await member(5, renamed);
    expect(() => CaptionerEnsemble.fromMembers([named(first, 1), named(other, 2)])).toThrow(
      /shapes@2 has another vocabulary than shapes@1/,
    );
  });
});

describe('a captioner-ensemble training job', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ocellus-ensemble-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const dataset = { name: 'digit-scenes', train: 24, validation: 6, test: 10, seed: 2 };
  const captionerSpec = (seed: number) =>
    defaultJobSpecSchema.parse({
      task: 'caption',
      model: 'scenes-captioner',
      architecture: {
        type: 'captioner',
        attention: true,
        layers: [
          { filters: 4, kernel: 3, pool: 4 },
          { filters: 8, kernel: 3, pool: 4 },
        ],
        wordvecDim: 8,
        hiddenDim: 16,
      },
      dataset,
      schedule: { epochs: 1, batchSize: 8 },
      seed,
    });
  const ensembleSpec = (members: { model: string; version: number }[]) =>
    defaultJobSpecSchema.parse({
      task: 'caption',
      model: 'scenes-ensemble',
      architecture: { type: 'captioner-ensemble', members },
      dataset,
      promote: 'production',
    });

  it('publishes its published members as one version that captions as the ensemble does', async () => {
    const registry = openRegistry(root);
    for (const seed of [1, 2]) await runTrainingJob(captionerSpec(seed), { registry, jobId: null });
    const members = [1, 2].map((version) => ({ model: 'scenes-captioner', version }));
    const phases: string[] = [];
    const logs: string[] = [];
    const { manifest, metrics } = await runTrainingJob(ensembleSpec(members), {
      registry,
      jobId: 'ensemble-1',
      onPhase: (p) => phases.push(p),
      onLog: (line) => logs.push(line),
    });
    expect(phases).toEqual(['PREPARING_DATA', 'TRAINING', 'EVALUATING', 'PUBLISHING']);
    // It trains nothing, so it generates one training scene, and scores the spec's own validation scenes.
    expect(logs).toContain(`data: 1 train, ${dataset.validation} validation, ${dataset.test} test`);
    expect(manifest.architecture.type).toBe('captioner-ensemble');
    expect(metrics.epochs).toBe(0);
    expect(metrics.valExactMatch).toBeGreaterThanOrEqual(0);
    expect(metrics.testExactMatch).toBeGreaterThanOrEqual(0);
    expect(await registry.aliases('scenes-ensemble')).toEqual({ production: manifest.version });
    const loaded = await registry.load('scenes-ensemble', manifest.version);
    const published = modelFromArtifact(loaded.manifest, loaded.tensors) as VisionModel<'caption'>;
    const sources = await Promise.all(members.map((m) => registry.load(m.model, m.version)));
    const inMemory = CaptionerEnsemble.fromMembers(
      sources.map(({ manifest: m, tensors }) => ({
        model: m.name,
        version: m.version,
        captioner: modelFromArtifact(m, tensors) as Captioner,
      })),
    );
    const { data: scenes, test } = prepareData(ensembleSpec(members));
    const images = gatherBatch(scenes.set, test).inputs;
    expect(published.predict(images, { beam: 2 })).toEqual(inMemory.predict(images, { beam: 2 }));
    const skipped = prepareData(dataSpecOf(ensembleSpec(members)));
    expect(skipped.data.train.length).toBe(1);
    for (const [split, full, kept] of [
      ['validation', scenes.validation, skipped.data.validation],
      ['test', test, skipped.test],
    ] as const) {
      expect(gatherBatch(skipped.data.set, kept).inputs.values(), split).toEqual(
        gatherBatch(scenes.set, full).inputs.values(),
      );
      expect(skipped.data.targets(kept), split).toEqual(scenes.targets(full));
    }
  });

  it('fails, publishing nothing, when a member is not a published captioner', async () => {
    const registry = openRegistry(root);
    const classifier = defaultJobSpecSchema.parse({
      task: 'classify',
      model: 'tiny-softmax',
      architecture: { type: 'linear', loss: 'softmax' },
      dataset: { name: 'mnist', train: 100, validation: 20, test: 20 },
      schedule: { epochs: 1, batchSize: 50 },
    });
    await runTrainingJob(classifier, { registry, jobId: null });
    const notACaptioner = [
      { model: 'scenes-captioner', version: 1 },
      { model: 'tiny-softmax', version: 1 },
    ];
    await expect(
      runTrainingJob({ ...ensembleSpec(notACaptioner), model: 'bad-ensemble' }, { registry, jobId: null }),
    ).rejects.toThrow(/tiny-softmax@1 is a 'linear' model, not a captioner/);
    const missing = [
      { model: 'scenes-captioner', version: 1 },
      { model: 'scenes-captioner', version: 9 },
    ];
    await expect(
      runTrainingJob({ ...ensembleSpec(missing), model: 'bad-ensemble' }, { registry, jobId: null }),
    ).rejects.toThrow(/scenes-captioner/);
    expect((await registry.listModels()).map((m) => m.name)).not.toContain('bad-ensemble');
  });
});
