import { z } from 'zod';
import { metricsSchema } from './jobs.js';
import { aliasNameSchema, modelNameSchema, modelVersionSchema } from './names.js';
import { taskSchema } from './tasks.js';

export const architectureConfigSchema = z.looseObject({ type: z.string() });

/**
 * How an upload becomes model input: `photo` resizes it; `mnist-digit` applies the MNIST recipe
 * first; `digit-scene` brings ink on paper of any polarity and evenness to white digits on black,
 * then resizes.
 */
export const IMAGE_FORMATS = ['photo', 'mnist-digit', 'digit-scene'] as const;
export const imageFormatSchema = z.enum(IMAGE_FORMATS);
export type ImageFormat = z.infer<typeof imageFormatSchema>;

export const inputSpecSchema = z.object({
  channels: z.int().min(1),
  height: z.int().min(1),
  width: z.int().min(1),
  format: imageFormatSchema.default('photo'),
});
export type InputSpec = z.infer<typeof inputSpecSchema>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Versions published before the image format joined the input spec kept it as `preprocessing.image`. */
function withInputFormat(value: unknown): unknown {
  if (!isRecord(value) || !isRecord(value.inputSpec) || value.inputSpec.format !== undefined) return value;
  const image = isRecord(value.preprocessing) ? value.preprocessing.image : undefined;
  return image === undefined ? value : { ...value, inputSpec: { ...value.inputSpec, format: image } };
}

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits');

/** `manifest.json` of a published version (DESIGN.md "Artifacts and registry"): the one definition. */
export const manifestObjectSchema = z.object({
  formatVersion: z.literal(1),
  name: modelNameSchema,
  version: modelVersionSchema,
  task: taskSchema,
  architecture: architectureConfigSchema,
  inputSpec: inputSpecSchema,
  preprocessing: z.record(z.string(), z.unknown()),
  labels: z.array(z.string()),
  metrics: metricsSchema,
  trainingJobId: z.string().nullable(),
  created: z.iso.datetime(),
  weights: z.object({ file: z.literal('model.safetensors'), sha256: sha256Schema, bytes: z.int().min(0) }),
  extra: z.record(z.string(), z.unknown()),
});
export const manifestSchema = z.preprocess(withInputFormat, manifestObjectSchema);
export type Manifest = z.infer<typeof manifestObjectSchema>;

export const modelSummarySchema = z.object({
  name: modelNameSchema,
  task: taskSchema,
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
