import {
  DEFAULT_MODEL_OF_TASK,
  errorBodySchema,
  inferenceOptionsSchemas,
  jobRecordSchema,
  modelNameSchema,
  oipInferRequestSchema,
  TASK_OF_ARCHITECTURE,
  TASKS,
  toValidationIssues,
  versionParamsSchema,
} from '@ocellus/contracts';
import { describe, expect, it } from 'vitest';

describe('names', () => {
  it.each(['digits-cnn', '0', 'a-b-c', 'x'.repeat(64)])('accepts %j', (name) => {
    expect(modelNameSchema.safeParse(name).success).toBe(true);
  });
  it.each(['', 'A', '-a', 'a_b', 'a.b', '../a', 'x'.repeat(65)])('rejects %j', (name) => {
    expect(modelNameSchema.safeParse(name).success).toBe(false);
  });
  it('has a default model and an architecture for every task', () => {
    for (const task of TASKS) {
      expect(modelNameSchema.safeParse(DEFAULT_MODEL_OF_TASK[task]).success).toBe(true);
      expect(Object.values(TASK_OF_ARCHITECTURE)).toContain(task);
    }
  });
});

describe('inference options', () => {
  it('coerces query strings and applies the API defaults', () => {
    expect(inferenceOptionsSchemas.classify.parse({})).toEqual({ topk: 5 });
    expect(inferenceOptionsSchemas.classify.parse({ topk: '3', version: '2' })).toEqual({
      topk: 3,
      version: 2,
    });
    expect(inferenceOptionsSchemas.segment.parse({})).toEqual({
      scoreThreshold: 0.5,
      maxDetections: 100,
      maskThreshold: 0.5,
    });
    expect(inferenceOptionsSchemas.caption.parse({ attention: 'false' })).toEqual({
      beam: 1,
      attention: false,
    });
    expect(inferenceOptionsSchemas.caption.parse({ attention: 'true' }).attention).toBe(true);
  });

  it.each([
    [{ topk: '0' }, 'topk'],
    [{ topk: 'many' }, 'topk'],
    [{ version: '1.5' }, 'version'],
    [{ model: 'Bad Name' }, 'model'],
    [{ version: '2', alias: 'production' }, 'alias'],
    [{ scoreThreshold: '0.5' }, ''],
  ])('rejects %j at %j', (query, path) => {
    const result = inferenceOptionsSchemas.classify.safeParse(query);
    expect(result.success).toBe(false);
    expect(toValidationIssues(result.error!.issues)[0]?.path).toBe(path);
  });

  it('rejects a score threshold above 1 on detect', () => {
    expect(inferenceOptionsSchemas.detect.safeParse({ scoreThreshold: '1.5' }).success).toBe(false);
  });
});

describe('registry params', () => {
  it('coerces a path version and refuses non-integers', () => {
    expect(versionParamsSchema.parse({ name: 'm', version: '3' })).toEqual({ name: 'm', version: 3 });
    expect(versionParamsSchema.safeParse({ name: 'm', version: 'latest' }).success).toBe(false);
    expect(versionParamsSchema.safeParse({ name: 'm', version: '0' }).success).toBe(false);
  });
});

describe('shapes', () => {
  it('accepts an error body only with a known code', () => {
    expect(errorBodySchema.safeParse({ error: 'x', code: 'NO_IMAGE' }).success).toBe(true);
    expect(errorBodySchema.safeParse({ error: 'x', code: 'SOMETHING' }).success).toBe(false);
  });

  it('checks OIP tensors are FP32', () => {
    const input = { name: 'input', shape: [1, 2], datatype: 'FP32', data: [0, 1] };
    expect(oipInferRequestSchema.safeParse({ inputs: [input] }).success).toBe(true);
    expect(oipInferRequestSchema.safeParse({ inputs: [{ ...input, datatype: 'INT8' }] }).success).toBe(false);
  });

  it('parses a job record with a parsed spec inside', () => {
    const record = jobRecordSchema.parse({
      id: 'job-1',
      status: 'RUNNING',
      phase: 'TRAINING',
      spec: { task: 'classify', model: 'digits-mlp', architecture: { type: 'mlp' } },
      progress: { epoch: 1, epochs: 10, step: 5, steps: 100, percent: 10.5, metrics: { loss: 0.3 } },
      history: [{ epoch: 0, loss: 2.3, valAccuracy: 0.1 }],
      attemptsMade: 1,
      failureReason: null,
      result: null,
      createdAt: '2025-01-01T00:00:00.000Z',
      startedAt: '2025-01-01T00:00:01.000Z',
      endedAt: null,
    });
    expect(record.spec.optimizer.type).toBe('adam');
    expect(record.history[0]).toEqual({ epoch: 0, loss: 2.3, valAccuracy: 0.1 });
  });
});
