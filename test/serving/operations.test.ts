import http from 'node:http';
import { gatherBatch } from '@ocellus/vision/datasets';
import { loadMnist, mnistSubset } from '@ocellus/vision/mnist';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DigitUpload, testDigits } from './helpers/digits.js';
import { digitsServer } from './helpers/digits-server.js';
import type { TempRegistry } from './helpers/registry.js';
import { eventually, type RunningServer } from './helpers/server.js';

/** The value of one Prometheus sample, by metric name and an exact label set. */
function sample(text: string, metric: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] !== metric) continue;
    const have = (match[2] ?? '').split(',').sort();
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) return Number(match[3]);
  }
  return undefined;
}

describe('operations of a listening server: OIP, metrics, OpenAPI, shutdown', () => {
  let temp: TempRegistry;
  let server: RunningServer;
  let digits: DigitUpload[];

  beforeAll(async () => {
    ({ temp, server } = await digitsServer());
    digits = (await testDigits(8)).filter((d) => d.variant.startsWith('mnist'));
  });
  afterAll(async () => {
    await server?.stop();
    await temp?.cleanup();
  });

  it('answers OIP server metadata, liveness and readiness', async () => {
    const meta = await request(server.url).get('/v2').expect(200);
    expect(meta.body).toEqual({
      name: 'ocellus',
      version: expect.any(String),
      extensions: expect.any(Array),
    });
    expect((await request(server.url).get('/v2/health/live').expect(200)).body).toEqual({ live: true });
    expect((await request(server.url).get('/v2/health/ready').expect(200)).body).toEqual({ ready: true });
    const model = await request(server.url).get('/v2/models/digits-cnn/ready').expect(200);
    expect(model.body).toEqual({ name: 'digits-cnn', ready: true });
    await request(server.url).get('/v2/models/digits-cnn/versions/1/ready').expect(200);
    expect((await request(server.url).get('/v2/models/nope').expect(404)).body.code).toBe('MODEL_NOT_FOUND');
  });

  it('describes the model in OIP terms and infers on FP32 tensors of test digits', async () => {
    const meta = await request(server.url).get('/v2/models/digits-cnn').expect(200);
    expect(meta.body).toEqual({
      name: 'digits-cnn',
      versions: ['1'],
      platform: 'ocellus',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 1, 28, 28] }],
      // Every tensor /infer returns is declared: the network's logits beside its softmax scores.
      outputs: [
        { name: 'scores', datatype: 'FP32', shape: [-1, 10] },
        { name: 'logits', datatype: 'FP32', shape: [-1, 10] },
      ],
    });
    const batch = gatherBatch(loadMnist(), mnistSubset({ test: 10, seed: 5 }).test);
    const res = await request(server.url)
      .post('/v2/models/digits-cnn/versions/1/infer')
      .send({
        id: 'batch-1',
        inputs: [
          {
            name: 'input',
            datatype: 'FP32',
            shape: [10, 1, 28, 28],
            data: Array.from(batch.inputs.values()),
          },
        ],
      })
      .expect(200);
    expect(res.body).toMatchObject({ model_name: 'digits-cnn', model_version: '1', id: 'batch-1' });
    const [scores] = res.body.outputs as { name: string; shape: number[]; data: number[] }[];
    expect(scores?.name).toBe('scores');
    expect(scores?.shape).toEqual([10, 10]);
    let correct = 0;
    for (let i = 0; i < 10; i++) {
      const row = scores?.data.slice(i * 10, (i + 1) * 10) ?? [];
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      if (row.indexOf(Math.max(...row)) === batch.targets[i]) correct++;
    }
    expect(correct).toBeGreaterThanOrEqual(8);
    const wrongShape = await request(server.url)
      .post('/v2/models/digits-cnn/infer')
      .send({
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 28, 27], data: new Array(756).fill(0) }],
      })
      .expect(400);
    expect(wrongShape.body.code).toBe('INVALID_PARAMETER');
  });

  it('counts classify requests, batch sizes and process memory in /metrics', async () => {
    const metrics = async () => (await request(server.url).get('/metrics').expect(200)).text;
    const labels = {
      method: 'POST',
      route: '/v1/classify',
      status_code: '200',
      model: 'digits-cnn',
      version: '1',
    };
    const before = sample(await metrics(), 'ocellus_http_requests_total', labels) ?? 0;
    for (const d of digits) {
      await request(server.url).post('/v1/classify').set('content-type', d.type).send(d.bytes).expect(200);
    }
    const res = await request(server.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(sample(res.text, 'ocellus_http_requests_total', labels)).toBe(before + digits.length);
    expect(sample(res.text, 'ocellus_http_request_duration_seconds_count', labels)).toBe(
      before + digits.length,
    );
    const batches = sample(res.text, 'ocellus_inference_batch_size_count', {
      model: 'digits-cnn',
      version: '1',
    });
    expect(batches).toBeGreaterThanOrEqual(digits.length);
    expect(res.text).toMatch(/^ocellus_inference_queue_depth\{model="digits-cnn",version="1"\} 0$/m);
    expect(res.text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('publishes the OpenAPI document and the docs UI', async () => {
    const doc = (await request(server.url).get('/openapi.json').expect(200)).body;
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/v1/classify',
      '/v1/detect',
      '/v1/models',
      '/v1/models/{name}/versions/{version}/weights',
      '/v1/models/{name}/aliases/{alias}',
      '/v2/models/{name}/infer',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/v1/models/{name}/aliases/{alias}'].put.security).toEqual([{ bearer: [] }]);
    const ui = await request(server.url).get('/docs').redirects(3).expect(200);
    expect(ui.text).toMatch(/swagger/i);
  });

  it('finishes an upload in flight at SIGTERM, then exits 0 and refuses new connections', async () => {
    const digit = digits[0] as DigitUpload;
    const { port } = new URL(server.url);
    let body = '';
    const req = http.request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/v1/classify',
      headers: {
        'content-type': digit.type,
        'content-length': digit.bytes.length,
        'x-request-id': 'in-flight',
      },
    });
    const reply = new Promise<number>((resolve, reject) => {
      req.on('response', (res: http.IncomingMessage) => {
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
    req.write(digit.bytes.subarray(0, 40));
    // pino logs "incoming request" with the id once the server has the request; only then the signal.
    await eventually('the request to reach the server', () =>
      server.output().includes('"reqId":"in-flight"'),
    );
    const stopped = server.stop();
    await eventually('the shutdown to begin', () => server.output().includes('shutting down'));
    req.end(digit.bytes.subarray(40));
    expect(await reply).toBe(200);
    expect(JSON.parse(body).results).toHaveLength(1);
    expect(await stopped).toBe(0);
    await expect(fetch(`${server.url}/v2/health/live`)).rejects.toThrow();
  });
});
