import { z } from 'zod';
import { errorBodySchema } from './errors.js';
import { aliasNameSchema, modelNameSchema } from './names.js';
import type { Task } from './tasks.js';

const unitInterval = z.coerce.number().min(0).max(1);

const selectionFields = {
  model: modelNameSchema.optional().describe("model name; defaults to the task's default model"),
  version: z.coerce.number().int().min(1).optional().describe('numeric version'),
  alias: aliasNameSchema.optional().describe("alias, default 'production'"),
};

const detectFields = {
  scoreThreshold: unitInterval.default(0.5),
  maxDetections: z.coerce.number().int().min(1).max(1000).default(100),
};

const withSelection = <S extends z.ZodRawShape>(shape: S) =>
  z
    .strictObject({ ...selectionFields, ...shape })
    .refine((q: { version?: unknown; alias?: unknown }) => q.version === undefined || q.alias === undefined, {
      message: 'give either version or alias, not both',
      path: ['alias'],
    });

/** Query (or multipart text field) options per task route, with API.md's defaults. */
export const inferenceOptionsSchemas = {
  classify: withSelection({ topk: z.coerce.number().int().min(1).max(1000).default(5) }),
  localize: withSelection({}),
  detect: withSelection(detectFields),
  segment: withSelection({ ...detectFields, maskThreshold: unitInterval.default(0.5) }),
  caption: withSelection({
    beam: z.coerce.number().int().min(1).max(16).default(1).describe('beam width; 1 = greedy'),
    attention: z.stringbool().default(false).describe('include attention weights per token'),
  }),
} as const;
export type InferenceOptions<T extends Task> = z.infer<(typeof inferenceOptionsSchemas)[T]>;

export const imageSizeSchema = z.object({ width: z.int().min(1), height: z.int().min(1) });

/** `[x1, y1, x2, y2]` in absolute pixels of the uploaded image (torchvision convention). */
export const boxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type Box = z.infer<typeof boxSchema>;

/** COCO compressed RLE of a binary mask, column-major (`pycocotools.mask.encode`). */
export const rleSchema = z.object({ size: z.tuple([z.int().min(0), z.int().min(0)]), counts: z.string() });
export type Rle = z.infer<typeof rleSchema>;

export const classPredictionSchema = z.object({
  label: z.string(),
  index: z.int().min(0),
  score: z.number(),
});
export type ClassPrediction = z.infer<typeof classPredictionSchema>;

export const detectionSchema = classPredictionSchema.extend({ box: boxSchema });
export const segmentDetectionSchema = detectionSchema.extend({ mask: rleSchema });

export const taskResultSchemas = {
  classify: z.object({ image: imageSizeSchema, predictions: z.array(classPredictionSchema) }),
  localize: z.object({ image: imageSizeSchema, ...detectionSchema.shape }),
  detect: z.object({ image: imageSizeSchema, detections: z.array(detectionSchema) }),
  segment: z.object({ image: imageSizeSchema, detections: z.array(segmentDetectionSchema) }),
  caption: z.object({
    image: imageSizeSchema,
    caption: z.string(),
    tokens: z.array(z.string()),
    score: z.number().describe('mean log-probability of the tokens'),
    attention: z.array(z.array(z.number())).optional().describe('per token, weights over the attention grid'),
    attentionGrid: z
      .object({
        size: z.tuple([z.int().min(1), z.int().min(1)]).describe('[rows, columns] of the attention weights'),
        box: boxSchema.describe('where the grid lies in the upload, in its pixels'),
      })
      .optional(),
  }),
} as const;
export type TaskResult<T extends Task> = z.infer<(typeof taskResultSchemas)[T]>;

/** An image whose own inference failed while the others of the request succeeded. */
export const imageFailureSchema = z.object({ image: imageSizeSchema, error: errorBodySchema });
export type ImageFailure = z.infer<typeof imageFailureSchema>;

export const timingSchema = z.object({ decodeMs: z.number(), queueMs: z.number(), inferMs: z.number() });
export type Timing = z.infer<typeof timingSchema>;

export function inferenceResponseSchema<T extends Task>(task: T) {
  return z.object({
    model: z.string(),
    version: z.int(),
    task: z.literal(task),
    results: z.array(z.union([taskResultSchemas[task], imageFailureSchema])),
    timing: timingSchema,
  });
}
export type InferenceResponse<T extends Task> = z.infer<ReturnType<typeof inferenceResponseSchema<T>>>;
