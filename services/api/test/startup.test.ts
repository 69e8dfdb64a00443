import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { publishTest } from './helpers/registry.js';

describe('start-up loading', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('retries a production version that failed to load, says which, and becomes ready once it loads', async () => {
    let weights = '';
    let original: Buffer = Buffer.alloc(0);
    const warnings: string[] = [];
    t = await testApp({
      seed: async (registry) => {
        await publishTest(registry, 'digits-cnn');
        weights = registry.weightsPath('digits-cnn', 1);
        original = await readFile(weights);
        const damaged = Buffer.from(original);
        damaged[damaged.length - 1]! ^= 0xff;
        await writeFile(weights, damaged);
      },
      logSink: (line) => warnings.push(line),
    });
    const before = await t.app.inject({ method: 'GET', url: '/v2/health/ready' });
    expect([before.statusCode, before.json()]).toEqual([503, { ready: false }]);
    const logged = warnings.find((l) => l.includes('model not loaded; retrying'));
    expect(logged).toBeDefined();
    expect(JSON.parse(logged!)).toMatchObject({ model: 'digits-cnn', version: 1, retryMs: 1000 });
    await writeFile(weights, original);
    const deadline = Date.now() + 8000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      ready = (await t.app.inject({ method: 'GET', url: '/v2/health/ready' })).statusCode === 200;
    }
    expect(ready).toBe(true);
  });
});
