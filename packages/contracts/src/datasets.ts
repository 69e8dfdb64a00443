import { z } from 'zod';
import { modelVersionSchema, RESOURCE_NAME_PATTERN } from './names.js';
import { taskSchema } from './tasks.js';

/** Datasets the trainer carries itself; a stored dataset may not take one of these names. */
export const BUILTIN_DATASETS = ['mnist', 'digit-loc', 'digit-scenes'] as const;

export function isBuiltinDataset(name: string): boolean {
  return (BUILTIN_DATASETS as readonly string[]).includes(name);
}

/** A stored dataset's name: the model-name rule, and none of the built-in names. */
export function isDatasetName(value: unknown): value is string {
  return typeof value === 'string' && RESOURCE_NAME_PATTERN.test(value) && !isBuiltinDataset(value);
}

export const datasetNameSchema = z
  .string()
  .regex(RESOURCE_NAME_PATTERN, `dataset name must match ${RESOURCE_NAME_PATTERN.source}`)
  .refine((name) => !isBuiltinDataset(name), `dataset name must not be ${BUILTIN_DATASETS.join(' | ')}`)
  .describe("dataset name: 1-64 characters of a-z, 0-9 and '-', not starting with '-', not a built-in name");

/**
 * How an upload is read: `image-folder` is `<class>/<image>` (torchvision's ImageFolder), optionally under
 * `train/`, `validation/`, `test/`; `idx` is MNIST's idx3 images + idx1 labels (gzipped or not); `coco` is
 * COCO instances JSON (one per split: `*train*`, `*val*`, `*test*`) beside the images it names; `captions`
 * is COCO captions JSON found the same way, an image's `split` field (Karpathy's) over its file's name.
 */
export const DATASET_FORMATS = ['image-folder', 'idx', 'coco', 'captions'] as const;
export const datasetFormatSchema = z.enum(DATASET_FORMATS);
export type DatasetFormat = z.infer<typeof datasetFormatSchema>;

export const SPLITS = ['train', 'validation', 'test'] as const;
export const splitSchema = z.enum(SPLITS);
export type Split = z.infer<typeof splitSchema>;

const count = z.int().min(0);
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits');

const splitSummarySchema = z.object({
  count,
  /** Per class, in the order of `labels`: images (image-folder, idx), objects (coco) or words (captions). */
  perClass: z.array(count),
});

const fileRecordSchema = z.object({ file: z.string(), bytes: count, sha256: sha256Schema });

/** A file of the upload that was not imported, and why; the path is cut to 200 characters. */
export const rejectedFileSchema = z.object({ file: z.string().max(200), reason: z.string().max(300) });
export type RejectedFile = z.infer<typeof rejectedFileSchema>;

const fraction = z.number().min(0).lt(1);
const seedSchema = z
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const maxSideSchema = z.int().min(8).max(4096);
const IMPORT_DEFAULTS = { validation: 0.1, test: 0.1, seed: 1, strict: false, maxSide: 256 } as const;

/** How an upload is imported (CLI flags; the query of `POST /v1/datasets`). */
export const datasetImportOptionsSchema = z.object({
  format: datasetFormatSchema,
  /** Fractions of each class held out for a split the upload does not have. */
  validation: fraction.default(IMPORT_DEFAULTS.validation),
  test: fraction.default(IMPORT_DEFAULTS.test),
  seed: seedSchema.default(IMPORT_DEFAULTS.seed),
  /** Fail the import on the first rejected file instead of listing it. */
  strict: z.boolean().default(IMPORT_DEFAULTS.strict),
  /** Larger images are shrunk (area average) so neither side exceeds this many pixels. */
  maxSide: maxSideSchema.default(IMPORT_DEFAULTS.maxSide),
  /** IDX class names, label i named by entry i (instead of a `labels.txt` in the upload). */
  labels: z.array(z.string().min(1).max(100)).min(2).max(10_000).optional(),
});
export type DatasetImportOptions = z.infer<typeof datasetImportOptionsSchema>;
export type DatasetImportOptionsInput = z.input<typeof datasetImportOptionsSchema>;

/** `dataset.json` of a stored dataset version: integer versions that never change once written. */
export const datasetManifestSchema = z.object({
  formatVersion: z.literal(1),
  name: datasetNameSchema,
  version: modelVersionSchema,
  format: datasetFormatSchema,
  tasks: z.array(taskSchema),
  created: z.iso.datetime(),
  /** Class names; for captions the vocabulary, every word of the stored captions in code-point order. */
  labels: z.array(z.string()),
  splits: z.object({
    train: splitSummarySchema,
    validation: splitSummarySchema,
    test: splitSummarySchema,
  }),
  /** `format`: the upload's own split (held-out validation drawn from its train part when it has none). */
  splitMethod: z.object({
    source: z.enum(['format', 'stratified']),
    validation: z.number(),
    test: z.number(),
    seed: z.int(),
  }),
  images: z.object({
    count,
    grey: count,
    rgb: count,
    width: z.object({ min: count, max: count }),
    height: z.object({ min: count, max: count }),
    /** The most frequent sizes, most frequent first (at most 10). */
    sizes: z.array(z.object({ width: count, height: count, count })).max(10),
  }),
  rejected: z.object({ count, files: z.array(rejectedFileSchema).max(100) }),
  /** captions: how many are stored, and their shortest and longest in words. */
  captions: z.object({ count, words: z.object({ min: count, max: count }) }).optional(),
  /** Identical pixels in more than one split (a leak from training into evaluation). */
  duplicates: z.object({
    acrossSplits: count,
    examples: z.array(z.object({ sha256: sha256Schema, splits: z.array(splitSchema) })).max(20),
  }),
  files: z.object({
    images: fileRecordSchema,
    index: fileRecordSchema,
    /** coco: each image's objects (label, box, mask) in stored pixels. */
    annotations: fileRecordSchema.optional(),
    /** captions: each image's captions, as `storedCaptionsSchema`. */
    captions: fileRecordSchema.optional(),
  }),
  source: z.object({ bytes: count, sha256: sha256Schema.nullable() }),
});
export type DatasetManifest = z.infer<typeof datasetManifestSchema>;

/**
 * Why a stored version cannot train, or null: every split must hold images, since training picks its epoch
 * (or kNN its k) on validation and scores the model on test. A split rounds to no images when its
 * fraction of each class is under half an image (`--validation 0`, or a few images per class).
 */
export function untrainableSplits(
  manifest: Pick<DatasetManifest, 'name' | 'version' | 'splits'>,
): string | null {
  const { train, validation, test } = manifest.splits;
  const empty = SPLITS.filter((split) => manifest.splits[split].count === 0);
  if (empty.length === 0) return null;
  const counts = `train ${train.count}, validation ${validation.count}, test ${test.count}`;
  return (
    `dataset ${manifest.name} v${manifest.version} has no ${empty.join(' or ')} images (${counts}): ` +
    'import it again with a larger --validation / --test fraction (each class holds out its fraction, ' +
    'rounded)'
  );
}

export const datasetSummarySchema = z.object({
  name: datasetNameSchema,
  format: datasetFormatSchema,
  tasks: z.array(taskSchema),
  versions: z.array(modelVersionSchema),
  labels: z.array(z.string()).describe('labels of the newest version'),
});
export type DatasetSummary = z.infer<typeof datasetSummarySchema>;

export const datasetDetailSchema = datasetSummarySchema.extend({ manifests: z.array(datasetManifestSchema) });
export type DatasetDetail = z.infer<typeof datasetDetailSchema>;

export const datasetParamsSchema = z.object({ name: datasetNameSchema });
export const datasetVersionParamsSchema = z.object({
  name: datasetNameSchema,
  version: z.coerce.number().pipe(modelVersionSchema),
});

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** `POST /v1/datasets?name=...&format=...`: the archive is the body, its import options the query. */
export const datasetUploadQuerySchema = z.strictObject({
  name: datasetNameSchema,
  format: datasetFormatSchema,
  validation: z.coerce.number().pipe(fraction).default(IMPORT_DEFAULTS.validation),
  test: z.coerce.number().pipe(fraction).default(IMPORT_DEFAULTS.test),
  seed: z.coerce.number().pipe(seedSchema).default(IMPORT_DEFAULTS.seed),
  strict: flag.default(IMPORT_DEFAULTS.strict),
  maxSide: z.coerce.number().pipe(maxSideSchema).default(IMPORT_DEFAULTS.maxSide),
});

/** One object of a stored image: its class, its `[x1, y1, x2, y2]` box and RLE mask in stored pixels. */
export const storedObjectSchema = z.object({
  label: z.int().min(0),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  mask: z.object({ size: z.tuple([z.int(), z.int()]), counts: z.string() }),
  crowd: z.boolean(),
});
export type StoredObject = z.infer<typeof storedObjectSchema>;

/** `annotations.json` of a coco version: the objects of each image, in the order of the images. */
export const storedAnnotationsSchema = z.object({ images: z.array(z.array(storedObjectSchema)) });
export type StoredAnnotations = z.infer<typeof storedAnnotationsSchema>;

/**
 * `captions.json` of a captions version: each image's captions in the order of the images, the upload's
 * order kept (the first trains, all are references), words joined by single spaces.
 */
export const storedCaptionsSchema = z.object({ images: z.array(z.array(z.string().min(1)).min(1)) });
export type StoredCaptions = z.infer<typeof storedCaptionsSchema>;
