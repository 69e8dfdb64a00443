import { z } from 'zod';

/** Model and alias names: lower-case, digits and dashes, so a name is always a safe path segment. */
export const RESOURCE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

const ALL_DIGITS = /^[0-9]+$/;

export function isModelName(value: unknown): value is string {
  return typeof value === 'string' && RESOURCE_NAME_PATTERN.test(value);
}

/** An alias follows the model-name rule but is never all digits, so `model@3` always means version 3. */
export function isAliasName(value: unknown): value is string {
  return isModelName(value) && !ALL_DIGITS.test(value);
}

const resourceName = (what: string) =>
  z.string().regex(RESOURCE_NAME_PATTERN, `${what} must match ${RESOURCE_NAME_PATTERN.source}`);

export const modelNameSchema = resourceName('model name').describe(
  "model name: 1-64 characters of a-z, 0-9 and '-', not starting with '-'",
);
export const aliasNameSchema = resourceName('alias')
  .refine((alias) => !ALL_DIGITS.test(alias), 'alias must not be all digits: that would read as a version')
  .describe("alias: 1-64 characters of a-z, 0-9 and '-', not starting with '-', not all digits");

/** Numeric model versions (TF Serving / Triton style): 1, 2, 3, ... never reused. */
export const modelVersionSchema = z.int().min(1).max(2_147_483_647);

/** Training job ids and upload ids. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'id must be 1-64 characters of A-Z, a-z, 0-9, _ and -');

export type ModelName = z.infer<typeof modelNameSchema>;
export type AliasName = z.infer<typeof aliasNameSchema>;
