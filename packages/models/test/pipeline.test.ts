import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { modelFromArtifact, runTrainingJob, type VisionModel } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { gatherBatch } from '@ocellus/vision/datasets';
import { loadMnist, mnistSubset } from '@ocellus/vision/mnist';
import { topK } from '@ocellus/vision/outputs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ocellus-models-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const spec = (overrides: Record<string, unknown>) =>
  defaultJobSpecSchema.parse({
    task: 'classify',
    dataset: { name: 'mnist', train: 600, validation: 200, test: 300, seed: 3 },
    seed: 5,
    ...overrides,
  });

describe('runTrainingJob', () => {
  it('trains a softmax classifier, publishes it, and the published version predicts as trained', async () => {
    const registry = openRegistry(root);
    const job = spec({
      model: 'tiny-softmax',
      architecture: { type: 'linear', loss: 'softmax' },
      optimizer: { type: 'sgd', lr: 0.1 },
      schedule: { epochs: 3, batchSize: 50 },
      promote: 'production',
    });
    const phases: string[] = [];
    const { manifest, metrics } = await runTrainingJob(job, {
      registry,
      jobId: 'job-1',
      onPhase: (p) => phases.push(p),
    });
    expect(phases).toEqual(['PREPARING_DATA', 'TRAINING', 'EVALUATING', 'PUBLISHING']);
    expect(metrics.testAccuracy).toBeGreaterThan(0.75);
    expect(await registry.aliases('tiny-softmax')).toEqual({ production: manifest.version });
    const loaded = await registry.load('tiny-softmax', manifest.version);
    const model = modelFromArtifact(loaded.manifest, loaded.tensors) as VisionModel<'classify'>;
    expect(model.task).toBe('classify');
    const test = gatherBatch(loadMnist(), mnistSubset({ test: 300, seed: 3 }).test);
    const outputs = model.predict(test.inputs);
    let correct = 0;
    outputs.forEach(({ scores }, i) => {
      if (topK(scores, 1)[0] === test.targets[i]) correct++;
    });
    expect(correct / test.size).toBeCloseTo(metrics.testAccuracy!, 10);
    const againPhases: string[] = [];
    const again = await runTrainingJob(job, {
      registry,
      jobId: 'job-1',
      onPhase: (p) => againPhases.push(p),
    });
    expect(again.manifest.version).toBe(manifest.version);
    expect(again.metrics).toEqual(metrics);
    expect(againPhases).toEqual([]);
  });

  it('gives the same weights for the same spec and seed', async () => {
    const registry = openRegistry(root);
    const job = spec({
      model: 'tiny-mlp',
      architecture: { type: 'mlp', hidden: [32] },
      regularization: { dropout: 0.2, l2: 1e-4 },
      schedule: { epochs: 2, batchSize: 64 },
    });
    const a = await runTrainingJob(job, { registry, jobId: null });
    const b = await runTrainingJob(job, { registry, jobId: null });
    expect(b.manifest.version).toBe(a.manifest.version + 1);
    expect(b.manifest.weights.sha256).toBe(a.manifest.weights.sha256);
  });

  it('chooses k for kNN by cross-validation and logs every k and fold', async () => {
    const registry = openRegistry(root);
    const lines: string[] = [];
    const job = spec({
      model: 'tiny-knn',
      architecture: { type: 'knn', kChoices: [1, 3, 5] },
      search: undefined,
    });
    const { manifest, metrics } = await runTrainingJob(job, {
      registry,
      jobId: null,
      onLog: (l) => lines.push(l),
    });
    expect(lines.filter((l) => /^k = \d+ fold \d\/5/.test(l))).toHaveLength(15);
    expect([1, 3, 5]).toContain(manifest.architecture.k);
    expect(metrics.testAccuracy).toBeGreaterThan(0.8);
  });
});
