import {
  aliasNameSchema,
  aliasParamsSchema,
  defaultJobSpecSchema,
  isAliasName,
  isModelName,
  modelNameSchema,
} from '@ocellus/contracts';
import { describe, expect, it } from 'vitest';

describe('alias names', () => {
  it.each(['production', 'canary', 'v3', '3a', 'a-1', 'constructor', 'tostring'])('accepts %j', (alias) => {
    expect(aliasNameSchema.safeParse(alias).success).toBe(true);
    expect(isAliasName(alias)).toBe(true);
  });

  it.each(['3', '007', '12345'])('refuses the all-digit %j, which would read as a version', (alias) => {
    const parsed = aliasNameSchema.safeParse(alias);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/all digits/);
    expect(isAliasName(alias)).toBe(false);
    expect(isModelName(alias)).toBe(true);
    expect(modelNameSchema.safeParse(alias).success).toBe(true);
  });

  it.each(['__proto__', 'toString', 'Production', '', '-a', 'a'.repeat(65)])('refuses %j', (alias) => {
    expect(aliasNameSchema.safeParse(alias).success).toBe(false);
    expect(isAliasName(alias)).toBe(false);
  });

  it('refuses a job spec that would promote to an all-digit alias, before any training', () => {
    const spec = { task: 'classify', model: 'digits-cnn', architecture: { type: 'cnn' } } as const;
    expect(defaultJobSpecSchema.safeParse({ ...spec, promote: 'canary' }).success).toBe(true);
    const parsed = defaultJobSpecSchema.safeParse({ ...spec, promote: '3' });
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['promote']);
  });

  it('refuses PUT /v1/models/{name}/aliases/3', () => {
    expect(aliasParamsSchema.safeParse({ name: 'digits-cnn', alias: 'production' }).success).toBe(true);
    expect(aliasParamsSchema.safeParse({ name: 'digits-cnn', alias: '3' }).success).toBe(false);
  });
});
