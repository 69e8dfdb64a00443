import {
  datasetImportOptionsSchema,
  defaultJobSpecSchema,
  isDatasetName,
  isStoredDataset,
  type JobSpecInput,
  toValidationIssues,
} from '@ocellus/contracts';
import { describe, expect, it } from 'vitest';

const base: JobSpecInput = { task: 'classify', model: 'fashion-cnn', architecture: { type: 'cnn' } };

describe('job spec dataset', () => {
  it('takes a stored dataset as {name, version} with optional caps', () => {
    const spec = defaultJobSpecSchema.parse({
      ...base,
      dataset: { name: 'fashion', version: 2, train: 500 },
    });
    expect(spec.dataset).toEqual({ name: 'fashion', version: 2, train: 500, seed: 1 });
    expect(isStoredDataset(spec.dataset)).toBe(true);
  });

  it('keeps built-in names meaning the built-in datasets', () => {
    const spec = defaultJobSpecSchema.parse({ ...base, dataset: { name: 'mnist', train: 100 } });
    expect(isStoredDataset(spec.dataset)).toBe(false);
    expect(spec.dataset).toMatchObject({ name: 'mnist', train: 100 });
  });

  it('refuses a stored dataset without a version, saying which shapes a dataset takes', () => {
    const result = defaultJobSpecSchema.safeParse({ ...base, dataset: { name: 'fashion' } });
    expect(result.success).toBe(false);
    const issues = toValidationIssues(result.error!.issues);
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'dataset',
        message: expect.stringMatching(/stored one as \{name, version\}/),
      }),
    ]);
  });

  it('does not let a stored dataset take a built-in name or break the name rule', () => {
    expect(isDatasetName('fashion-mnist')).toBe(true);
    for (const name of ['mnist', 'digit-loc', 'digit-scenes', '../x', 'Fashion', '']) {
      expect(isDatasetName(name)).toBe(false);
    }
  });

  it('fills the import defaults and bounds the held-out fractions', () => {
    expect(datasetImportOptionsSchema.parse({ format: 'idx' })).toEqual({
      format: 'idx',
      validation: 0.1,
      test: 0.1,
      seed: 1,
      strict: false,
      maxSide: 256,
    });
    expect(datasetImportOptionsSchema.safeParse({ format: 'idx', test: 1 }).success).toBe(false);
    expect(datasetImportOptionsSchema.safeParse({ format: 'coco-zip' }).success).toBe(false);
  });
});
