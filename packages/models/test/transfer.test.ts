import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultJobSpecSchema, type JobSpec } from '@ocellus/contracts';
import { runTrainingJob, type SearchRecord, type TransferRecord } from '@ocellus/models';
import { openRegistry, type Registry, type TensorRecord } from '@ocellus/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;
let registry: Registry;
const LOW = { classes: [0, 1, 2, 3, 4] };
const HIGH = { classes: [5, 6, 7, 8, 9] };

const mlpJob = (overrides: Record<string, unknown>): JobSpec =>
  defaultJobSpecSchema.parse({
    task: 'classify',
    architecture: { type: 'mlp', hidden: [32] },
    dataset: { name: 'mnist', train: 400, validation: 100, test: 200, seed: 2 },
    optimizer: { type: 'adam', lr: 3e-3 },
    schedule: { epochs: 2, batchSize: 50 },
    seed: 3,
    ...overrides,
  });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ocellus-transfer-'));
  registry = openRegistry(root);
  await runTrainingJob(mlpJob({ model: 'low-mlp', promote: 'production' }), {
    registry,
    jobId: null,
    data: LOW,
  });
  await runTrainingJob(
    defaultJobSpecSchema.parse({
      task: 'classify',
      model: 'low-knn',
      architecture: { type: 'knn', k: 1 },
      dataset: { name: 'mnist', train: 100, validation: 20, test: 20 },
    }),
    { registry, jobId: null, data: LOW },
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const weights = async (name: string, version: number) => (await registry.load(name, version)).tensors;
const same = (a: TensorRecord | undefined, b: TensorRecord | undefined) =>
  a !== undefined &&
  b !== undefined &&
  a.shape.join() === b.shape.join() &&
  a.data.every((v, i) => v === b.data[i]);
const maxDifference = (a: TensorRecord, b: TensorRecord) =>
  Math.max(...a.data.map((v, i) => Math.abs(v - b.data[i]!)));

describe('transfer learning in runTrainingJob', () => {
  it('keeps the frozen backbone and its batchnorm statistics, puts a new head on a new label list', async () => {
    const lines: string[] = [];
    const job = mlpJob({
      model: 'high-mlp',
      // Only the head learns: Adam moves each weight by about lr a step, so a new head needs a larger lr.
      optimizer: { type: 'adam', lr: 0.03 },
      schedule: { epochs: 5, batchSize: 25 },
      transferFrom: { model: 'low-mlp', freeze: ['backbone'] },
    });
    const { manifest, metrics } = await runTrainingJob(job, {
      registry,
      jobId: null,
      data: HIGH,
      onLog: (l) => lines.push(l),
    });
    const source = await registry.load('low-mlp', 1);
    const tuned = await weights('high-mlp', manifest.version);
    // Sequential(flatten, linear "1", batchnorm "2", relu, linear "4"): the backbone is "1." and "2.".
    for (const name of ['1.weight', '1.bias', '2.weight', '2.bias', '2.runningMean', '2.runningVar']) {
      expect(same(tuned[`net.${name}`], source.tensors[`net.${name}`]), name).toBe(true);
    }
    expect(tuned['net.4.weight']!.shape).toEqual([5, 32]);
    expect(source.tensors['net.4.weight']!.shape).toEqual([5, 32]);
    expect(same(tuned['net.4.weight'], source.tensors['net.4.weight'])).toBe(false);
    expect(manifest.labels).toEqual(['5', '6', '7', '8', '9']);
    expect(manifest.preprocessing).toEqual(source.manifest.preprocessing);
    const pre = (tensors: Record<string, TensorRecord>) =>
      Object.keys(tensors).filter((k) => k.startsWith('pre.'));
    expect(pre(tuned)).toEqual(pre(source.tensors));
    for (const name of pre(source.tensors)) expect(same(tuned[name], source.tensors[name]), name).toBe(true);
    expect(manifest.extra.transferFrom).toEqual({
      model: 'low-mlp',
      version: 1,
      freeze: ['backbone'],
      headReplaced: true,
    } satisfies TransferRecord);
    expect(lines).toContain('transfer from low-mlp@1 (5 classes, its preprocessing)');
    expect(metrics.testAccuracy).toBeGreaterThan(0.6);
  });

  it('fine-tunes the backbone when nothing is frozen', async () => {
    const job = mlpJob({ model: 'high-mlp-all', transferFrom: { model: 'low-mlp', version: 1 } });
    const { manifest } = await runTrainingJob(job, { registry, jobId: null, data: HIGH });
    const source = await weights('low-mlp', 1);
    const tuned = await weights('high-mlp-all', manifest.version);
    expect(maxDifference(tuned['net.1.weight']!, source['net.1.weight']!)).toBeGreaterThan(1e-3);
    expect((manifest.extra.transferFrom as TransferRecord).headReplaced).toBe(true);
  });

  it('keeps the head too when the label list is the same', async () => {
    const job = mlpJob({
      model: 'low-mlp-again',
      optimizer: { type: 'sgd', lr: 1e-7 },
      schedule: { epochs: 1, batchSize: 50 },
      transferFrom: { model: 'low-mlp', alias: 'production' },
    });
    const { manifest, metrics } = await runTrainingJob(job, { registry, jobId: null, data: LOW });
    const source = await registry.load('low-mlp', 1);
    const tuned = await weights('low-mlp-again', manifest.version);
    // A step of lr 1e-7 moves nothing visibly: a re-initialised head would differ by O(0.1).
    expect(maxDifference(tuned['net.4.weight']!, source.tensors['net.4.weight']!)).toBeLessThan(1e-4);
    expect(metrics.testAccuracy).toBeCloseTo(source.manifest.metrics.testAccuracy!, 1);
    expect((manifest.extra.transferFrom as TransferRecord).headReplaced).toBe(false);
  });

  it('searches hyperparameters of a fine-tuning job, each trial starting from the source', async () => {
    const job = mlpJob({
      model: 'high-mlp-search',
      transferFrom: { model: 'low-mlp', freeze: ['backbone'] },
      search: { method: 'grid', space: { 'optimizer.lr': { values: [1e-3, 1e-2] } } },
    });
    const { manifest } = await runTrainingJob(job, { registry, jobId: null, data: HIGH });
    const source = await weights('low-mlp', 1);
    const tuned = await weights('high-mlp-search', manifest.version);
    expect(same(tuned['net.1.weight'], source['net.1.weight'])).toBe(true);
    expect((manifest.extra.search as SearchRecord).trials).toHaveLength(2);
    expect(manifest.extra.transferFrom).toMatchObject({ model: 'low-mlp', version: 1 });
  });
});

describe('transfer learning refuses', () => {
  const refused = (transferFrom: Record<string, unknown>, architecture?: Record<string, unknown>) =>
    runTrainingJob(mlpJob({ model: 'refused', transferFrom, ...(architecture ? { architecture } : {}) }), {
      registry,
      jobId: null,
      data: HIGH,
    });

  it('a source family that cannot be fine-tuned', async () => {
    await expect(refused({ model: 'low-knn' })).rejects.toThrow(
      "transferFrom: low-knn@1 is a 'knn' model, which cannot be fine-tuned",
    );
  });

  it('an architecture type other than the source’s', async () => {
    await expect(refused({ model: 'low-mlp' }, { type: 'linear', loss: 'softmax' })).rejects.toThrow(
      "transferFrom: low-mlp is a 'mlp' model, the spec asks for 'linear'",
    );
  });

  it('a freeze entry that names no parameter', async () => {
    await expect(refused({ model: 'low-mlp', freeze: ['7'] })).rejects.toThrow(
      /transferFrom\.freeze: '7' names no parameter \(backbone: 1\., 2\.; parameters: 1\.weight/,
    );
  });

  it('freezing every parameter', async () => {
    await expect(refused({ model: 'low-mlp', freeze: ['backbone', '4'] })).rejects.toThrow(
      'every parameter is frozen',
    );
  });

  it('a model or version the registry does not have', async () => {
    await expect(refused({ model: 'no-such-model' })).rejects.toThrow(/no model no-such-model/);
    await expect(refused({ model: 'low-mlp', version: 9 })).rejects.toThrow(/has no version 9/);
  });
});
