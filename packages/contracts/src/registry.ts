import { z } from 'zod';
import { metricsSchema } from './jobs.js';
import { aliasNameSchema, modelNameSchema, modelVersionSchema } from './names.js';

export const architectureConfigSchema = z.looseObject({ type: z.string() });

export const inputSpecSchema = z.object({
  channels: z.int().min(1),
  height: z.int().min(1),
  width: z.int().min(1),
});
export type InputSpec = z.infer<typeof inputSpecSchema>;

/** `manifest.json` of a published version (DESIGN.md "Artifacts and registry"). */
export const manifestSchema = z.object({
  formatVersion: z.literal(1),
  name: modelNameSchema,
  version: modelVersionSchema,
  task: z.string(),
  architecture: architectureConfigSchema,
  inputSpec: inputSpecSchema,
  preprocessing: z.record(z.string(), z.unknown()),
  labels: z.array(z.string()),
  metrics: metricsSchema,
  trainingJobId: z.string().nullable(),
  created: z.string(),
  weights: z.object({ file: z.literal('model.safetensors'), sha256: z.string(), bytes: z.int().min(0) }),
  extra: z.record(z.string(), z.unknown()),
});
export type ManifestBody = z.infer<typeof manifestSchema>;

export const modelSummarySchema = z.object({
  name: modelNameSchema,
  task: z.string(),
  architecture: architectureConfigSchema,
  versions: z.array(modelVersionSchema),
  aliases: z.record(z.string(), modelVersionSchema),
});
export type ModelSummaryBody = z.infer<typeof modelSummarySchema>;

export const versionSummarySchema = z.object({
  version: modelVersionSchema,
  created: z.string(),
  trainingJobId: z.string().nullable(),
  metrics: metricsSchema,
  bytes: z.int().min(0),
  sha256: z.string(),
  aliases: z.array(aliasNameSchema),
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;

export const modelDetailSchema = modelSummarySchema.extend({ manifests: z.array(versionSummarySchema) });
export type ModelDetail = z.infer<typeof modelDetailSchema>;

export const modelParamsSchema = z.object({ name: modelNameSchema });
export const versionParamsSchema = z.object({
  name: modelNameSchema,
  version: z.coerce.number().pipe(modelVersionSchema),
});
export const aliasParamsSchema = z.object({ name: modelNameSchema, alias: aliasNameSchema });

export const setAliasBodySchema = z.strictObject({ version: modelVersionSchema });
export const setAliasResponseSchema = z.object({
  name: modelNameSchema,
  alias: aliasNameSchema,
  version: modelVersionSchema,
  previous: modelVersionSchema.nullable(),
});
export type SetAliasResponse = z.infer<typeof setAliasResponseSchema>;
