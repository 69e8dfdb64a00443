import { z } from 'zod';
import { datasetNameSchema } from '../datasets.js';
import { modelVersionSchema } from '../names.js';

const count = (fallback: number) => z.int().min(1).max(1_000_000).default(fallback);
const seed = z
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .default(1);

/** Counts are upper bounds drawn from the canonical split (REFERENCE.md "Data"); test defaults to all of it. */
const mnistSchema = z.object({
  name: z.literal('mnist'),
  train: count(8000),
  validation: count(1000),
  test: z.int().min(1).max(1_000_000).optional(),
  seed,
});

const canvas = (side: number) =>
  z
    .object({
      height: z.int().min(28).max(1024).default(side),
      width: z.int().min(28).max(1024).default(side),
    })
    .prefault({});

/** One digit on a 64x64 canvas (REFERENCE.md "Digit scenes", localisation images). */
const digitLocSchema = z.object({
  name: z.literal('digit-loc'),
  train: count(8000),
  validation: count(1000),
  test: count(1000),
  seed,
  size: canvas(64),
});

/**
 * Training scenes only (validation and test keep MNIST's digits): each digit is rotated and sheared
 * about its centre and moved by an elastic field (Simard et al. 2003) before it is stamped; lengths in
 * the 28 px MNIST grid, seeded by the set.
 */
const digitDistortionSchema = z.object({
  rotate: z.number().min(0).max(45).default(0).describe('largest rotation, degrees either way'),
  shear: z.number().min(0).max(1).default(0).describe('largest horizontal shear, either way'),
  elastic: z
    .object({
      alpha: z.number().min(0).max(100).default(0),
      sigma: z.number().min(0.5).max(10).default(4),
    })
    .prefault({})
    .describe('uniform [-1, 1] displacements smoothed by a Gaussian of sigma px, scaled by alpha'),
  share: z.number().min(0).max(1).default(1).describe('the share of training digits distorted'),
});

/** Canvases of 1-5 digits: training-split digits for training, test-split digits for evaluation. */
const digitScenesSchema = z.object({
  name: z.literal('digit-scenes'),
  train: count(4000),
  validation: count(500),
  test: count(500),
  seed,
  size: canvas(128),
  digits: z
    .object({ min: z.int().min(1).max(20).default(1), max: z.int().min(1).max(20).default(5) })
    .prefault({})
    .refine((d) => d.min <= d.max, { message: 'digits.min must not exceed digits.max' }),
  distort: digitDistortionSchema.optional(),
});

const builtinDatasetSchema = z.discriminatedUnion('name', [mnistSchema, digitLocSchema, digitScenesSchema]);

/**
 * A version of the dataset store; counts are optional caps drawn stratified from its stored splits. Every
 * image is resized (stretched, area average or bilinear) to `size` and brought to `channels` (grey <-> RGB);
 * both default to the dataset's most frequent size and to RGB when any image is in colour.
 */
const storedDatasetSchema = z.object({
  name: datasetNameSchema,
  version: modelVersionSchema,
  train: z.int().min(1).max(1_000_000).optional(),
  validation: z.int().min(1).max(1_000_000).optional(),
  test: z.int().min(1).max(1_000_000).optional(),
  seed,
  size: z.object({ height: z.int().min(8).max(1024), width: z.int().min(8).max(1024) }).optional(),
  channels: z.union([z.literal(1), z.literal(3)]).optional(),
});
export type StoredDatasetRef = z.infer<typeof storedDatasetSchema>;

export const datasetSchema = z.union([builtinDatasetSchema, storedDatasetSchema], {
  error: 'dataset: a built-in dataset (mnist | digit-loc | digit-scenes) or a stored one as {name, version}',
});
export type Dataset = z.infer<typeof datasetSchema>;

export function isStoredDataset(dataset: Dataset): dataset is StoredDatasetRef {
  return 'version' in dataset;
}

export const preprocessingSchema = z
  .object({
    normalize: z.enum(['none', 'standard', 'minmax']).default('standard'),
    pca: z
      .object({
        components: z.int().min(1).max(4096),
        whiten: z.enum(['none', 'pca', 'zca']).default('none'),
        epsilon: z.number().positive().default(1e-5),
      })
      .optional(),
  })
  .prefault({});
export type Preprocessing = z.infer<typeof preprocessingSchema>;

/** An interval `[low, high]` within `(0, max]`. */
const range = (low: number, high: number, max: number) =>
  z
    .tuple([z.number().positive().max(max), z.number().positive().max(max)])
    .refine(([a, b]) => a <= b, { message: 'range needs low <= high' })
    .default([low, high]);

export const augmentationSchema = z
  .object({
    flip: z.boolean().default(false),
    /** Box tasks: each training image rendered as a photo-like upload of another size would arrive (seeded). */
    photoLike: z.boolean().default(false),
    /** With `photoLike`: the share of training images made photo-like each time they are drawn. */
    photoLikeShare: z.number().min(0).max(1).default(0.5),
    /**
     * With `photoLike`: each photo-like training image is stored as its upload would be, this share of them as a
     * JPEG (quality 50-95, as the photo-like evaluation uploads), the rest as 8-bit levels. Unset, neither.
     */
    photoLikeJpeg: z.number().min(0).max(1).optional(),
    randomCrop: z.object({ padding: z.int().min(0).max(32).default(2) }).optional(),
    colorJitter: z
      .object({
        brightness: z.number().min(0).max(1).default(0),
        contrast: z.number().min(0).max(1).default(0),
      })
      .optional(),
    randomErasing: z
      .object({
        probability: z.number().min(0).max(1).default(0.5),
        scale: range(0.02, 0.4, 1),
        ratio: range(0.3, 3.3, 100),
        value: z.union([z.number().min(-1000).max(1000), z.literal('random')]).default('random'),
      })
      .optional()
      .describe(
        'Random Erasing (Zhong et al. 2017): one box of random area and shape per image, classify only',
      ),
  })
  .prefault({});
export type Augmentation = z.infer<typeof augmentationSchema>;
