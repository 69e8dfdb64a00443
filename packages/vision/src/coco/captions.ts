import { z } from 'zod';
import { CocoFormatError, pathOf } from './parse.js';

const id = z.int().min(0);

/** An image of a captions document; its size, when given, is checked against the file. */
export const cocoCaptionImageSchema = z.looseObject({
  id,
  file_name: z.string().min(1),
  width: z.int().min(1).optional(),
  height: z.int().min(1).optional(),
  /** The image's own split, as Karpathy's COCO splits give it (`restval` trains). */
  split: z.enum(['train', 'restval', 'val', 'validation', 'test']).optional(),
});

export const cocoCaptionSchema = z.looseObject({ id: id.optional(), image_id: id, caption: z.string() });

/** A COCO captions document (cocodataset.org "Data format", image captioning): any number of captions an image. */
export const cocoCaptionsSchema = z.looseObject({
  images: z.array(cocoCaptionImageSchema),
  annotations: z.array(cocoCaptionSchema),
});

export type CocoCaptionImage = z.infer<typeof cocoCaptionImageSchema>;
export type CocoCaptions = z.infer<typeof cocoCaptionsSchema>;

/** One image with its captions in document order; `annotation` is each caption's index in `annotations`. */
export interface CocoImageCaptions {
  image: CocoCaptionImage;
  captions: { annotation: number; text: string }[];
}

function crossReferences(doc: CocoCaptions, ctx: z.RefinementCtx<CocoCaptions>): void {
  const seen = new Set<number>();
  doc.images.forEach((image, i) => {
    if (seen.has(image.id))
      ctx.addIssue({ code: 'custom', path: ['images', i, 'id'], message: `id ${image.id} is used twice` });
    seen.add(image.id);
  });
  doc.annotations.forEach((annotation, a) => {
    if (!seen.has(annotation.image_id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['annotations', a, 'image_id'],
        message: `no image has id ${annotation.image_id}`,
      });
    }
  });
}

/** Validates a parsed JSON value as a COCO captions document, image ids cross-checked; the issues name each path. */
export function parseCocoCaptions(json: unknown): CocoCaptions {
  const result = cocoCaptionsSchema.superRefine(crossReferences).safeParse(json);
  if (result.success) return result.data;
  throw new CocoFormatError(
    result.error.issues.map((issue) => `${pathOf(issue.path) || '(document)'}: ${issue.message}`),
    'captions',
  );
}

/** The images of a validated document in document order, each with its captions (possibly none). */
export function cocoImageCaptions(doc: CocoCaptions): CocoImageCaptions[] {
  const byImage = new Map(doc.images.map((image) => [image.id, [] as CocoImageCaptions['captions']]));
  doc.annotations.forEach((annotation, a) => {
    byImage.get(annotation.image_id)?.push({ annotation: a, text: annotation.caption });
  });
  return doc.images.map((image) => ({ image, captions: byImage.get(image.id)! }));
}
