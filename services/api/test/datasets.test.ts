import { readdir } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { buildApp, type JobLauncher, JobService, loadConfig } from '@ocellus/api';
import { datasetStoreRoot } from '@ocellus/datasets';
import { FileJobStore } from '@ocellus/jobs/file-store';
import type { FsRegistry } from '@ocellus/registry';
import { greyImage } from '@ocellus/vision/testing';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { testHost } from './helpers/families.js';
import { tempRegistry } from './helpers/registry.js';

const ADMIN = 'admin-key-0123456789';
const INFERENCE = 'inference-key-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };

async function zip(entries: Record<string, Buffer>): Promise<Buffer> {
  const file = new yazl.ZipFile();
  for (const [name, data] of Object.entries(entries)) file.addBuffer(data, name);
  file.end();
  const chunks: Buffer[] = [];
  for await (const chunk of file.outputStream as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Two classes of four 12x12 PNGs, each image distinct. */
async function shapes(): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 4; i++) {
    files[`shapes/bright/${i}.png`] = await greyImage(12, 12, () => 200 + i);
    files[`shapes/dark/${i}.png`] = await greyImage(12, 12, () => 10 + i);
  }
  return files;
}

/**
 * COCO captions of seven 12x12 PNGs, `captions.json` beside them; the fourth image's one caption is too
 * long. The other six are three of one word and three of two, one of each in every split at validation 0.5
 * and test 0.34.
 */
async function captioned(): Promise<Record<string, Buffer>> {
  const words = ['bright', 'dark', 'bright dot', 'dark '.repeat(65).trim(), 'dot', 'dark dot', 'dot bright'];
  const images = words.map((_, i) => ({ id: i, file_name: `${i}.png`, width: 12, height: 12 }));
  const annotations = words.map((caption, i) => ({ image_id: i, caption }));
  const files: Record<string, Buffer> = {
    'set/captions.json': Buffer.from(JSON.stringify({ images, annotations })),
  };
  for (const [i] of words.entries()) files[`set/${i}.png`] = await greyImage(12, 12, () => 30 * i + 10);
  return files;
}

const noLauncher: JobLauncher = { enqueue: async () => {}, dequeue: async () => true, close: async () => {} };

let running: { app: FastifyInstance; registry: FsRegistry; root: string; cleanup(): Promise<void> } | null =
  null;

async function start(env: Record<string, string> = {}) {
  const { registry, root, cleanup } = await tempRegistry();
  const config = loadConfig({
    OCELLUS_REGISTRY_ROOT: root,
    OCELLUS_ADMIN_KEYS: ADMIN,
    OCELLUS_INFERENCE_KEYS: INFERENCE,
    ...env,
  });
  const jobs = new JobService(await FileJobStore.open(root), noLauncher, config.jobs.maxEpochs);
  const app = await buildApp({ config, registry, modelHost: testHost(), jobs });
  running = { app, registry, root, cleanup };
  return running;
}

afterEach(async () => {
  await running?.app.close();
  await running?.cleanup();
  running = null;
});

const upload = (
  app: FastifyInstance,
  body: Buffer,
  query = 'name=shapes&format=image-folder',
  headers = admin,
) =>
  app.inject({
    method: 'POST',
    url: `/v1/datasets?${query}`,
    headers: { ...headers, 'content-type': 'application/zip' },
    payload: body,
  });

const leftovers = async (root: string) =>
  (await readdir(datasetStoreRoot(root)).catch(() => [] as string[])).filter((e) => e.startsWith('.tmp-'));

describe('POST /v1/datasets', () => {
  it('imports a zip as version 1 and serves it in the list, the detail and the version routes', async () => {
    const { app } = await start();
    const reply = await upload(
      app,
      await zip(await shapes()),
      'name=shapes&format=image-folder&validation=0.25&test=0.25',
    );
    expect(reply.statusCode).toBe(201);
    expect(reply.headers.location).toBe('/v1/datasets/shapes/versions/1');
    const manifest = reply.json();
    expect(manifest).toMatchObject({
      name: 'shapes',
      version: 1,
      labels: ['bright', 'dark'],
      tasks: ['classify'],
    });
    expect(manifest.splits.test.perClass).toEqual([1, 1]);

    const read = { authorization: `Bearer ${INFERENCE}` };
    const list = await app.inject({ method: 'GET', url: '/v1/datasets', headers: read });
    expect(list.json()).toEqual([
      {
        name: 'shapes',
        format: 'image-folder',
        tasks: ['classify'],
        versions: [1],
        labels: ['bright', 'dark'],
      },
    ]);
    const detail = await app.inject({ method: 'GET', url: '/v1/datasets/shapes', headers: read });
    expect(detail.json().manifests).toHaveLength(1);
    const version = await app.inject({ method: 'GET', url: '/v1/datasets/shapes/versions/1', headers: read });
    expect(version.json()).toEqual(manifest);
    const missing = await app.inject({ method: 'GET', url: '/v1/datasets/shapes/versions/2', headers: read });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('DATASET_NOT_FOUND');
  });

  it('imports COCO captions with format=captions, listing a caption too long to learn', async () => {
    const { app } = await start();
    const reply = await upload(
      app,
      await zip(await captioned()),
      'name=glyphs&format=captions&validation=0.5&test=0.34',
    );
    expect(reply.statusCode).toBe(201);
    expect(reply.json()).toMatchObject({
      format: 'captions',
      tasks: ['caption'],
      labels: ['bright', 'dark', 'dot'],
      captions: { count: 6, words: { min: 1, max: 2 } },
      images: { count: 6 },
      splits: { train: { count: 2 }, validation: { count: 2 }, test: { count: 2 } },
      rejected: {
        count: 2,
        files: [
          { file: '3.png', reason: expect.stringMatching(/has 65 words, over the limit of 64/) },
          { file: '3.png', reason: 'none of its captions is usable' },
        ],
      },
    });
    const job = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: admin,
      payload: {
        task: 'caption',
        model: 'glyphs-captioner',
        architecture: { type: 'captioner' },
        dataset: { name: 'glyphs', version: 1 },
      },
    });
    expect(job.statusCode).toBe(202);
  });

  it('is documented in the OpenAPI document with its query', async () => {
    const { app } = await start();
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/datasets',
        '/v1/datasets/{name}',
        '/v1/datasets/{name}/versions/{version}',
      ]),
    );
    const names = doc.paths['/v1/datasets'].post.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['name', 'format', 'validation', 'test', 'seed', 'strict', 'maxSide']),
    );
  });

  it('needs an admin key to upload', async () => {
    const { app } = await start();
    const body = await zip(await shapes());
    expect((await upload(app, body, undefined, {} as typeof admin)).statusCode).toBe(401);
    expect((await upload(app, body, undefined, { authorization: `Bearer ${INFERENCE}` })).statusCode).toBe(
      403,
    );
  });

  it('answers 400 for a bad name or format before reading the archive', async () => {
    const { app } = await start();
    const body = await zip(await shapes());
    for (const query of [
      'name=mnist&format=idx',
      'name=..%2Fx&format=idx',
      'name=ok&format=coco-ish',
      'name=ok',
    ]) {
      const reply = await upload(app, body, query);
      expect(reply.statusCode).toBe(400);
      expect(reply.json().code).toBe('INVALID_PARAMETER');
    }
  });

  it('refuses hostile archives with a 4xx and a code, leaving nothing behind', async () => {
    const { app, root } = await start({ OCELLUS_DATASET_MAX_UPLOAD_BYTES: '4096' });
    const files = await shapes();
    const slip = Buffer.from(
      (await zip({ ...files, 'xx/evil.png': files['shapes/dark/0.png']! }))
        .toString('latin1')
        .replaceAll('xx/evil.png', '../evil.png'),
      'latin1',
    );
    const bomb = await zip({ 'shapes/a/zeros.png': Buffer.alloc(2 * 1024 * 1024) });
    const cases: [Buffer, number, string, RegExp][] = [
      [slip, 400, 'INVALID_ARCHIVE', /absolute or climbs out/],
      [Buffer.from('not an archive'), 400, 'INVALID_ARCHIVE', /neither a zip nor a gzipped tar/],
      [bomb, 413, 'PAYLOAD_TOO_LARGE', /maxCompressionRatio/],
      [Buffer.alloc(5000, 1), 413, 'PAYLOAD_TOO_LARGE', /OCELLUS_DATASET_MAX_UPLOAD_BYTES/],
    ];
    for (const [body, status, code, message] of cases) {
      const reply = await upload(app, body);
      expect(reply.statusCode).toBe(status);
      expect(reply.json()).toMatchObject({ code, error: expect.stringMatching(message) });
    }
    expect(await leftovers(root)).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/v1/datasets', headers: admin })).json()).toEqual([]);
  });

  it('fails a strict upload that holds an undecodable image, and lists it otherwise', async () => {
    const { app } = await start();
    const body = await zip({ ...(await shapes()), 'shapes/dark/broken.png': Buffer.from('garbage') });
    const strict = await upload(app, body, 'name=shapes&format=image-folder&strict=true');
    expect(strict.statusCode).toBe(400);
    expect(strict.json().code).toBe('INVALID_DATASET');
    const lenient = await upload(app, body);
    expect(lenient.statusCode).toBe(201);
    expect(lenient.json().rejected).toEqual({
      count: 1,
      files: [{ file: 'shapes/dark/broken.png', reason: expect.stringMatching(/not a readable image/) }],
    });
  });
});

describe('DELETE /v1/datasets/{name}/versions/{v}', () => {
  it('is refused while an unfinished job or a model trained on it names the version', async () => {
    const { app, registry } = await start();
    await upload(app, await zip(await shapes()), 'name=shapes&format=image-folder&validation=0.25&test=0.25');
    await upload(app, await zip(await shapes()));
    const job = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: admin,
      payload: {
        task: 'classify',
        model: 'shapes-softmax',
        architecture: { type: 'linear', loss: 'softmax' },
        dataset: { name: 'shapes', version: 1 },
      },
    });
    expect(job.statusCode).toBe(202);
    const byJob = await app.inject({
      method: 'DELETE',
      url: '/v1/datasets/shapes/versions/1',
      headers: admin,
    });
    expect(byJob.statusCode).toBe(409);
    expect(byJob.json()).toMatchObject({
      code: 'DATASET_IN_USE',
      error: expect.stringContaining(`training job ${job.json().id}`),
    });

    await registry.publish('shapes-knn', {
      task: 'classify',
      architecture: { type: 'test-centroids' },
      inputSpec: { channels: 1, height: 2, width: 2 },
      preprocessing: {},
      labels: ['bright', 'dark'],
      metrics: {},
      tensors: { centroids: { dtype: 'F32', shape: [2, 4], data: new Float32Array(8) } },
      extra: { spec: { dataset: { name: 'shapes', version: 2 } } },
    });
    const byModel = await app.inject({
      method: 'DELETE',
      url: '/v1/datasets/shapes/versions/2',
      headers: admin,
    });
    expect(byModel.statusCode).toBe(409);
    expect(byModel.json().error).toBe('dataset shapes v2 is in use by model shapes-knn v1');
  });

  it('deletes an unused version, which then reads 404, and needs an admin key', async () => {
    const { app } = await start();
    await upload(app, await zip(await shapes()));
    const url = '/v1/datasets/shapes/versions/1';
    expect(
      (await app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${INFERENCE}` } }))
        .statusCode,
    ).toBe(403);
    expect((await app.inject({ method: 'DELETE', url, headers: admin })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url, headers: admin })).json().code).toBe('DATASET_NOT_FOUND');
    expect((await app.inject({ method: 'DELETE', url, headers: admin })).statusCode).toBe(404);
  });
});

describe('POST /v1/jobs with a stored dataset', () => {
  const job = (
    dataset: Record<string, unknown>,
    task = 'classify',
    architecture: Record<string, unknown> = { type: 'mlp' },
  ) => ({
    task,
    model: 'shapes-model',
    architecture,
    dataset,
  });

  it('answers 404 for a version the store does not hold, 400 for a task the dataset has no targets for or a split without images', async () => {
    const { app } = await start();
    // Four images a class: the default 10% hold-outs round to none; a quarter holds out one a class.
    await upload(app, await zip(await shapes()));
    await upload(app, await zip(await shapes()), 'name=shapes&format=image-folder&validation=0.25&test=0.25');
    const post = (payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/v1/jobs', headers: admin, payload });
    const missing = await post(job({ name: 'shapes', version: 3 }));
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      code: 'DATASET_NOT_FOUND',
      error: 'dataset shapes has no version 3',
    });
    const wrongTask = await post(job({ name: 'shapes', version: 2 }, 'localize', { type: 'localizer' }));
    expect(wrongTask.statusCode).toBe(400);
    expect(wrongTask.json()).toMatchObject({
      code: 'INVALID_JOB_SPEC',
      error: "dataset shapes trains classify, not 'localize'",
    });
    const noHoldOut = await post(job({ name: 'shapes', version: 1 }));
    expect(noHoldOut.statusCode).toBe(400);
    expect(noHoldOut.json().code).toBe('INVALID_JOB_SPEC');
    expect(noHoldOut.json().error).toMatch(
      /^dataset shapes v1 has no validation or test images \(train 8, validation 0, test 0\): import it again/,
    );
    expect((await post(job({ name: 'shapes', version: 2 }))).statusCode).toBe(202);
  });
});
