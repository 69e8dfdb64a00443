import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { PATTERNS, publishTest } from './helpers/registry.js';

describe('Open Inference Protocol', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({
      seed: async (registry) => {
        await publishTest(registry, 'digits-cnn');
        await publishTest(registry, 'digits-cnn', { alias: null });
        await publishTest(registry, 'scenes', { type: 'test-localizer', task: 'localize', labels: ['blob'] });
      },
    });
  });
  afterAll(() => t.close());

  const input = (shape: number[], data: number[]) => ({
    inputs: [{ name: 'input', shape, datatype: 'FP32', data }],
  });

  it('describes a model: versions, platform, input and output tensors', async () => {
    for (const url of ['/v2/models/digits-cnn', '/v2/models/digits-cnn/versions/1']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        name: 'digits-cnn',
        versions: ['1', '2'],
        platform: 'ocellus',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 1, 8, 8] }],
        outputs: [{ name: 'scores', datatype: 'FP32', shape: [-1, 3] }],
      });
    }
  });

  it('reports readiness per version: the production one loaded, the other not yet', async () => {
    const production = await t.app.inject({ method: 'GET', url: '/v2/models/digits-cnn/ready' });
    expect([production.statusCode, production.json()]).toEqual([200, { name: 'digits-cnn', ready: true }]);
    const other = await t.app.inject({ method: 'GET', url: '/v2/models/digits-cnn/versions/2/ready' });
    expect([other.statusCode, other.json()]).toEqual([503, { name: 'digits-cnn', ready: false }]);
  });

  it('runs tensor inference on a batch and names the outputs', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/models/digits-cnn/versions/2/infer',
      payload: { id: 'req-7', ...input([2, 1, 8, 8], [...PATTERNS.light, ...PATTERNS.left]) },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ model_name: 'digits-cnn', model_version: '2', id: 'req-7' });
    const [scores] = body.outputs;
    expect(scores).toMatchObject({ name: 'scores', datatype: 'FP32', shape: [2, 3] });
    const argmax = (row: number[]) => row.indexOf(Math.max(...row));
    expect([argmax(scores.data.slice(0, 3)), argmax(scores.data.slice(3))]).toEqual([1, 2]);
    const ready = await t.app.inject({ method: 'GET', url: '/v2/models/digits-cnn/versions/2/ready' });
    expect(ready.json().ready).toBe(true);
  });

  it('accepts a single image without the batch dimension', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/models/digits-cnn/infer',
      payload: input([1, 8, 8], [...PATTERNS.dark]),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().outputs[0].shape).toEqual([1, 3]);
  });

  it.each([
    ['a wrong shape', input([1, 1, 4, 16], [...PATTERNS.dark])],
    ['too few values', input([2, 1, 8, 8], [...PATTERNS.dark])],
    [
      'another datatype',
      { inputs: [{ name: 'input', shape: [1, 1, 8, 8], datatype: 'INT8', data: [...PATTERNS.dark] }] },
    ],
    ['an unknown output', { ...input([1, 1, 8, 8], [...PATTERNS.dark]), outputs: [{ name: 'logits' }] }],
    [
      'two inputs',
      {
        inputs: [
          input([1, 1, 8, 8], [...PATTERNS.dark]).inputs[0],
          input([1, 1, 8, 8], [...PATTERNS.dark]).inputs[0],
        ],
      },
    ],
  ])('answers %s with 400', async (_case, payload) => {
    const res = await t.app.inject({ method: 'POST', url: '/v2/models/digits-cnn/infer', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_PARAMETER');
  });

  it('answers 501 for a model without tensor outputs and 404 for an unknown one', async () => {
    const none = await t.app.inject({
      method: 'POST',
      url: '/v2/models/scenes/infer',
      payload: input([1, 1, 8, 8], [...PATTERNS.dark]),
    });
    expect([none.statusCode, none.json().code]).toEqual([501, 'NOT_SUPPORTED']);
    const unknown = await t.app.inject({ method: 'GET', url: '/v2/models/nope' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'MODEL_NOT_FOUND']);
  });
});
