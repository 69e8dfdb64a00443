import type { z } from 'zod';
import { stringToCounts } from '../rle.js';
import { type CocoInstances, cocoInstancesSchema } from './schema.js';

/** A COCO document that does not parse or whose parts do not fit together; the message names each path. */
export class CocoFormatError extends Error {
  override readonly name = 'CocoFormatError';

  constructor(
    readonly issues: readonly string[],
    kind: 'instances' | 'captions' = 'instances',
  ) {
    super(`invalid COCO ${kind} document: ${issues.join('; ')}`);
  }
}

/** `annotations[3].segmentation.counts`, from zod's path. */
export function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text === '' ? String(key) : `${text}.${String(key)}`;
  }, '');
}

function crossReferences(doc: CocoInstances, ctx: z.RefinementCtx<CocoInstances>): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const images = new Map(doc.images.map((image) => [image.id, image]));
  const categories = new Set(doc.categories.map((category) => category.id));
  const repeated = (ids: number[]) => ids.findIndex((value, i) => ids.indexOf(value) !== i);
  for (const [name, ids] of [
    ['images', doc.images.map((i) => i.id)],
    ['categories', doc.categories.map((c) => c.id)],
    ['annotations', doc.annotations.map((a) => a.id)],
  ] as const) {
    const at = repeated(ids);
    if (at >= 0) issue([name, at, 'id'], `id ${ids[at]} is used twice`);
  }
  doc.annotations.forEach((annotation, a) => {
    const image = images.get(annotation.image_id);
    if (!image) issue(['annotations', a, 'image_id'], `no image has id ${annotation.image_id}`);
    if (!categories.has(annotation.category_id)) {
      issue(['annotations', a, 'category_id'], `no category has id ${annotation.category_id}`);
    }
    const { segmentation } = annotation;
    if (!image || Array.isArray(segmentation)) return;
    const [h, w] = segmentation.size;
    if (h !== image.height || w !== image.width) {
      issue(
        ['annotations', a, 'segmentation', 'size'],
        `[${h}, ${w}] is not its image's [${image.height}, ${image.width}]`,
      );
      return;
    }
    try {
      const counts =
        typeof segmentation.counts === 'string' ? stringToCounts(segmentation.counts) : segmentation.counts;
      const covered = counts.reduce((sum, run) => sum + run, 0);
      if (covered !== h * w) throw new RangeError(`the runs cover ${covered} of ${h * w} pixels`);
    } catch (error) {
      issue(
        ['annotations', a, 'segmentation', 'counts'],
        error instanceof Error ? error.message : String(error),
      );
    }
  });
}

/** Validates a parsed JSON value as a COCO instances document, ids and RLE sizes cross-checked. */
export function parseCocoInstances(json: unknown): CocoInstances {
  const result = cocoInstancesSchema.superRefine(crossReferences).safeParse(json);
  if (result.success) return result.data;
  throw new CocoFormatError(
    result.error.issues.map((issue) => `${pathOf(issue.path) || '(document)'}: ${issue.message}`),
  );
}
