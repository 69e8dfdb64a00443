import { z } from 'zod';

/** Model and alias names: lower-case, digits and dashes, so a name is always a safe path segment. */
export const RESOURCE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

const resourceName = (what: string) =>
  z
    .string()
    .regex(RESOURCE_NAME_PATTERN, `${what} must match ${RESOURCE_NAME_PATTERN.source}`)
    .describe(`${what}: 1-64 characters of a-z, 0-9 and '-', not starting with '-'`);

export const modelNameSchema = resourceName('model name');
export const aliasNameSchema = resourceName('alias');

/** Numeric model versions (TF Serving / Triton style): 1, 2, 3, ... never reused. */
export const modelVersionSchema = z.int().min(1).max(2_147_483_647);

/** Training job ids and upload ids. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'id must be 1-64 characters of A-Z, a-z, 0-9, _ and -');

export type ModelName = z.infer<typeof modelNameSchema>;
export type AliasName = z.infer<typeof aliasNameSchema>;
