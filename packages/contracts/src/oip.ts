import { z } from 'zod';

/** Open Inference Protocol (KServe V2) REST shapes; only FP32 tensors are served. */
export const oipServerMetadataSchema = z.object({
  name: z.string(),
  version: z.string(),
  extensions: z.array(z.string()),
});

export const oipLiveSchema = z.object({ live: z.boolean() });
export const oipReadySchema = z.object({ ready: z.boolean() });

export const oipDatatypeSchema = z.literal('FP32');

export const oipTensorMetadataSchema = z.object({
  name: z.string(),
  datatype: oipDatatypeSchema,
  shape: z.array(z.int()).describe('-1 marks a variable dimension'),
});
export type OipTensorMetadata = z.infer<typeof oipTensorMetadataSchema>;

export const oipModelMetadataSchema = z.object({
  name: z.string(),
  versions: z.array(z.string()),
  platform: z.literal('ocellus'),
  inputs: z.array(oipTensorMetadataSchema),
  outputs: z.array(oipTensorMetadataSchema),
});
export type OipModelMetadata = z.infer<typeof oipModelMetadataSchema>;

export const oipModelReadySchema = z.object({ name: z.string(), ready: z.boolean() });

const parameters = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const oipInferRequestSchema = z.object({
  id: z.string().max(256).optional(),
  parameters: parameters.optional(),
  inputs: z
    .array(
      z.object({
        name: z.string().min(1).max(256),
        shape: z.array(z.int().min(0)).min(1).max(8),
        datatype: oipDatatypeSchema,
        parameters: parameters.optional(),
        data: z.array(z.number()).describe('row-major, flattened'),
      }),
    )
    .min(1),
  outputs: z.array(z.object({ name: z.string(), parameters: parameters.optional() })).optional(),
});
export type OipInferRequest = z.infer<typeof oipInferRequestSchema>;

export const oipOutputTensorSchema = z.object({
  name: z.string(),
  shape: z.array(z.int()),
  datatype: oipDatatypeSchema,
  data: z.array(z.number()),
});
export type OipOutputTensor = z.infer<typeof oipOutputTensorSchema>;

export const oipInferResponseSchema = z.object({
  model_name: z.string(),
  model_version: z.string(),
  id: z.string().optional(),
  outputs: z.array(oipOutputTensorSchema),
});
export type OipInferResponse = z.infer<typeof oipInferResponseSchema>;
