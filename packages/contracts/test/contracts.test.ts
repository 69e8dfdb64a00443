import {
  DEFAULT_MODEL_OF_TASK,
  defaultJobSpecSchema,
  errorBodySchema,
  inferenceOptionsSchemas,
  jobRecordSchema,
  jobSpecSchema,
  MAX_REPORTED_ISSUES,
  modelNameSchema,
  oipInferRequestSchema,
  TASK_OF_ARCHITECTURE,
  TASKS,
  toValidationIssues,
  versionParamsSchema,
} from '@ocellus/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

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

describe('validation issues', () => {
  const markup = `<script>${'x'.repeat(1000)}</script>`;

  it('never quote a key the client sent, in a path or in a message', () => {
    const unknown = inferenceOptionsSchemas.classify.safeParse({ [markup]: '1', colour: 'red' });
    const [issue] = toValidationIssues(unknown.error!.issues);
    expect(issue).toMatchObject({
      path: '',
      code: 'unrecognized_keys',
      message: 'unrecognized keys: colour and 1 more',
    });
    const space = defaultJobSpecSchema.safeParse({
      task: 'classify',
      model: 'm',
      architecture: { type: 'linear', loss: 'softmax' },
      search: { space: { [markup]: [1, 2, 'log'] } },
    });
    const issues = toValidationIssues(space.error!.issues);
    expect(issues[0]?.path).toBe('search.space.*');
    expect(JSON.stringify(issues)).not.toContain('script');
  });

  it('reports at most MAX_REPORTED_ISSUES, then how many more', () => {
    const many = z.array(z.number()).safeParse(Array(1000).fill('x'));
    const issues = toValidationIssues(many.error!.issues);
    expect(issues).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(issues.at(-1)).toMatchObject({
      code: 'too_many_issues',
      message: `${1000 - MAX_REPORTED_ISSUES} more`,
    });
  });

  it('caps search.space at maxSearchDimensions when given, naming the setting', () => {
    const spec = (dimensions: number) => ({
      task: 'classify',
      model: 'm',
      architecture: { type: 'linear', loss: 'softmax' },
      search: {
        space: Object.fromEntries(Array.from({ length: dimensions }, (_, i) => [`p${i}`, [1, 2, 'log']])),
      },
    });
    const capped = jobSpecSchema({ maxEpochs: 10, maxSearchDimensions: 3 });
    expect(capped.safeParse(spec(3)).success).toBe(true);
    const over = capped.safeParse(spec(4));
    expect(over.error?.issues[0]?.message).toContain('OCELLUS_MAX_SEARCH_DIMENSIONS');
    expect(defaultJobSpecSchema.safeParse(spec(100)).success).toBe(true);
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
