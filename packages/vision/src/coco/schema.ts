import { z } from 'zod';

const id = z.int().min(0);
const size = z.tuple([z.int().min(1), z.int().min(1)]);

/** Compressed RLE as pycocotools writes it: the counts as a string (`maskApi.c` `rleToString`). */
const compressedRle = z.object({ size, counts: z.string() });
/** Uncompressed RLE (COCO's crowd annotations): the run lengths as numbers, column-major from a run of zeros. */
const uncompressedRle = z.object({ size, counts: z.array(z.int().min(0)) });
/** Polygons, each a flat `[x1, y1, x2, y2, ...]` list of at least three points in image pixels. */
const polygons = z
  .array(
    z
      .array(z.number())
      .min(6)
      .refine((points) => points.length % 2 === 0, 'a polygon needs an even number of coordinates'),
  )
  .min(1);

const segmentation = z.union([compressedRle, uncompressedRle, polygons], {
  error: 'segmentation must be RLE {size: [h, w], counts} or polygons [[x1, y1, x2, y2, ...], ...]',
});

export const cocoImageSchema = z.looseObject({
  id,
  file_name: z.string().min(1),
  width: z.int().min(1),
  height: z.int().min(1),
});

export const cocoCategorySchema = z.looseObject({
  id,
  name: z.string().min(1),
  supercategory: z.string().optional(),
});

export const cocoAnnotationSchema = z.looseObject({
  id,
  image_id: id,
  category_id: id,
  /** `[x, y, width, height]` in image pixels. */
  bbox: z.tuple([z.number(), z.number(), z.number().min(0), z.number().min(0)]),
  area: z.number().min(0),
  iscrowd: z.union([z.literal(0), z.literal(1)]).default(0),
  segmentation,
});

/** A COCO instances document (cocodataset.org "Data format", object detection). */
export const cocoInstancesSchema = z.looseObject({
  images: z.array(cocoImageSchema),
  annotations: z.array(cocoAnnotationSchema),
  categories: z.array(cocoCategorySchema).min(1),
});

export type CocoImage = z.infer<typeof cocoImageSchema>;
export type CocoCategory = z.infer<typeof cocoCategorySchema>;
export type CocoAnnotation = z.infer<typeof cocoAnnotationSchema>;
export type CocoSegmentation = CocoAnnotation['segmentation'];
export type CocoInstances = z.infer<typeof cocoInstancesSchema>;
