import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadHost } from '@ocellus/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { blackPng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { publishTest } from './helpers/registry.js';

/**
 * An inference thread that speaks the host protocol, logs each request kind to a file, and dies in the
 * middle of its first forward pass (as a thread does that runs out of heap), then serves normally.
 */
const SCRIPT = `
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
const log = process.env.OCELLUS_TEST_THREAD_LOG;
parentPort.on('message', (request) => {
  appendFileSync(log, request.kind + '\\n');
  if (request.kind === 'load') {
    const { inputSpec, labels, task } = request.manifest;
    parentPort.postMessage({ id: request.id, ok: true, value: { task, inputSpec, labels, outputs: [] } });
  } else if (request.kind === 'predict') {
    if (!existsSync(log + '.crashed')) {
      writeFileSync(log + '.crashed', '');
      process.exit(7);
    }
    const scores = Float32Array.of(0.7, 0.2, 0.1);
    parentPort.postMessage({ id: request.id, ok: true, value: Array.from({ length: request.n }, () => ({ scores })) });
  } else {
    parentPort.postMessage({ id: request.id, ok: true, value: null });
  }
});
`;

describe('the inference thread', () => {
  let t: TestApp;
  let dir: string;
  let log: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocellus-thread-'));
    log = join(dir, 'requests.log');
    process.env.OCELLUS_TEST_THREAD_LOG = log;
    await writeFile(join(dir, 'thread.mjs'), SCRIPT);
    t = await testApp({
      host: threadHost({ script: pathToFileURL(join(dir, 'thread.mjs')) }),
      seed: (registry) => publishTest(registry, 'digits-cnn'),
    });
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 MODEL_UNAVAILABLE when the thread dies mid-batch, then restarts it with the model reloaded', async () => {
    const upload = images(await blackPng(8, 8));
    const failed = await t.app.inject({ method: 'POST', url: '/v1/classify', ...upload });
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBe('1');
    expect(failed.json().code).toBe('MODEL_UNAVAILABLE');
    expect(failed.json().error).toMatch(/inference thread stopped \(exit code 7\)/);
    const served = await t.app.inject({ method: 'POST', url: '/v1/classify?topk=1', ...upload });
    expect(served.statusCode).toBe(200);
    expect(served.json().results[0].predictions).toEqual([
      { label: 'dark', index: 0, score: expect.closeTo(0.7, 6) },
    ]);
    expect((await t.app.inject({ method: 'GET', url: '/v2/health/live' })).statusCode).toBe(200);
    // The first thread loaded the model and died in its forward pass; the second got the model again first.
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual(['load', 'predict', 'load', 'predict']);
  });
});
