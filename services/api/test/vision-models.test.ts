import { readdirSync, readFileSync } from 'node:fs';
import { threadHost } from '@ocellus/api';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { runTrainingJob } from '@ocellus/models';
import { gatherBatch } from '@ocellus/vision/datasets';
import { loadMnist, mnistSubset } from '@ocellus/vision/mnist';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';

/** The nice value of each thread of this process, by thread id (`/proc/self/task/<tid>/stat`, field 19). */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    nices.set(Number(tid), Number(fields[16]));
  }
  return nices;
}

const NICE = 5;

/** Test-split digits as 28x28 PNGs, and as "photos": dark ink on light paper, 112 px, JPEG. */
async function digitUploads(count: number) {
  const set = loadMnist();
  const batch = gatherBatch(set, mnistSubset({ test: count, seed: 9 }).test);
  const pixels = batch.inputs.values();
  const uploads: { png: Buffer; photo: Buffer; label: number }[] = [];
  for (let i = 0; i < batch.size; i++) {
    const grey = Buffer.from(Array.from(pixels.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255)));
    const raw = { raw: { width: 28, height: 28, channels: 1 as const } };
    const png = await sharp(grey, raw).png().toBuffer();
    const paper = Buffer.from(grey.map((v) => 235 - Math.round(v * 0.8)));
    const photo = await sharp(paper, raw)
      .resize(112, 112)
      .extend({ top: 20, left: 8, background: { r: 235, g: 235, b: 235 } })
      .jpeg()
      .toBuffer();
    uploads.push({ png, photo, label: batch.targets[i]! });
  }
  return uploads;
}

describe('serving published @ocellus/models versions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({
      host: threadHost({ nice: NICE }),
      seed: async (registry) => {
        const spec = defaultJobSpecSchema.parse({
          task: 'classify',
          model: 'tiny-digits',
          architecture: { type: 'linear', loss: 'softmax' },
          dataset: { name: 'mnist', train: 2000, validation: 200, seed: 2 },
          optimizer: { type: 'sgd', lr: 0.1 },
          schedule: { epochs: 3, batchSize: 50 },
          promote: 'production',
        });
        await runTrainingJob(spec, { registry, jobId: null });
      },
    });
  });
  afterAll(() => t.close());

  it.runIf(process.platform === 'linux')('runs forward passes below the event loop in priority', async () => {
    const [upload] = await digitUploads(1);
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/classify?model=tiny-digits',
      headers: { 'content-type': 'image/png' },
      payload: upload!.png,
    });
    expect(response.statusCode).toBe(200);
    const nices = threadNices();
    expect(nices.get(process.pid)).toBe(0);
    expect([...nices.values()].filter((nice) => nice === NICE).length).toBeGreaterThanOrEqual(1);
  });

  it('classifies test-split digits uploaded as PNGs and as photo-like JPEGs', async () => {
    const uploads = await digitUploads(30);
    let pngCorrect = 0;
    let photoCorrect = 0;
    for (const u of uploads) {
      for (const [body, type] of [
        [u.png, 'image/png'],
        [u.photo, 'image/jpeg'],
      ] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/classify?model=tiny-digits&topk=3',
          headers: { 'content-type': type },
          payload: body,
        });
        expect(res.statusCode).toBe(200);
        const [result] = res.json().results;
        expect(result.predictions).toHaveLength(3);
        if (result.predictions[0].index === u.label) {
          if (type === 'image/png') pngCorrect++;
          else photoCorrect++;
        }
      }
    }
    expect(pngCorrect / uploads.length).toBeGreaterThan(0.8);
    expect(photoCorrect / uploads.length).toBeGreaterThan(0.7);
  });

  it('answers OIP tensor inference with the class probabilities', async () => {
    const input = new Array(2 * 784).fill(0);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/models/tiny-digits/infer',
      payload: { inputs: [{ name: 'image', datatype: 'FP32', shape: [2, 1, 28, 28], data: input }] },
    });
    expect(res.statusCode).toBe(200);
    const scores = res.json().outputs.find((o: { name: string }) => o.name === 'scores');
    expect(scores.shape).toEqual([2, 10]);
    const firstRow = scores.data.slice(0, 10).reduce((a: number, b: number) => a + b, 0);
    expect(firstRow).toBeCloseTo(1, 5);
  });
});
