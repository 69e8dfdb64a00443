import { z } from 'zod';
import { aliasNameSchema, modelNameSchema, modelVersionSchema } from '../names.js';

export const initSchema = z
  .union([
    z.enum(['he', 'xavier', 'lecun']),
    z.object({ type: z.literal('normal'), std: z.number().positive().max(10) }),
  ])
  .default('he');

export const regularizationSchema = z
  .object({
    l2: z.number().min(0).default(0),
    l1: z.number().min(0).default(0),
    dropout: z.number().min(0).lt(1).default(0).describe('drop probability of inverted dropout'),
    convDropout: z
      .number()
      .min(0)
      .lt(1)
      .optional()
      .describe('channel (spatial) dropout after each conv block; half of `dropout` unless given'),
  })
  .prefault({});

export const DEFAULT_MAX_EPOCHS = 200;

export const scheduleSchema = (maxEpochs: number) =>
  z
    .object({
      epochs: z.int().min(1).max(maxEpochs).default(Math.min(10, maxEpochs)),
      batchSize: z.int().min(1).max(4096).default(64),
      lrDecay: z
        .object({ every: z.int().min(1).default(1), factor: z.number().positive().max(1).default(0.95) })
        .optional(),
      clipNorm: z.number().positive().optional().describe('clip gradients to this global L2 norm'),
      earlyStopping: z.object({ patience: z.int().min(1).max(1000).default(3) }).optional(),
    })
    .prefault({});

/** `[min, max, scale]` samples a number; `{ values }` picks one of the listed values. */
const searchDimensionSchema = z.union([
  z
    .tuple([z.number(), z.number(), z.enum(['log', 'linear'])])
    .refine(([min, max]) => min < max, { message: 'range needs min < max' })
    .refine(([min, , scale]) => scale === 'linear' || min > 0, { message: 'a log range needs min > 0' }),
  z.object({
    values: z
      .array(z.union([z.number(), z.string(), z.boolean()]))
      .min(1)
      .max(100),
  }),
]);

/**
 * Hyperparameter search; with `maxDimensions` (the API's OCELLUS_MAX_SEARCH_DIMENSIONS) a larger space is
 * refused here, before any trial is drawn or a grid expanded.
 */
export const searchSchema = (maxDimensions = Number.POSITIVE_INFINITY) =>
  z.object({
    method: z.enum(['grid', 'random']).default('random'),
    trials: z.int().min(1).max(256).default(8),
    folds: z.int().min(2).max(20).optional().describe('k-fold cross-validation on the training part'),
    space: z
      .record(
        z
          .string()
          .regex(/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z0-9][a-zA-Z0-9-]*)*$/, 'a dotted path into the spec'),
        searchDimensionSchema,
      )
      .refine((space) => Object.keys(space).length > 0, {
        message: 'search space needs at least one dimension',
      })
      .refine((space) => Object.keys(space).length <= maxDimensions, {
        message: `search space has more than ${maxDimensions} dimensions (OCELLUS_MAX_SEARCH_DIMENSIONS)`,
      }),
  });

export const transferFromSchema = z
  .object({
    model: modelNameSchema,
    version: modelVersionSchema.optional(),
    alias: aliasNameSchema.optional(),
    freeze: z.array(z.string().min(1).max(64)).max(64).default([]),
  })
  .refine((t) => t.version === undefined || t.alias === undefined, {
    message: 'give either version or alias, not both',
    path: ['alias'],
  });
