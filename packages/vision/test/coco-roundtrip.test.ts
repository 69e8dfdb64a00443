import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cocoInstancesSchema, readCocoScenes, toCocoInstances, writeCocoScenes } from '@ocellus/vision/coco';
import { decodeMask } from '@ocellus/vision/rle';
import { digitScenes } from '@ocellus/vision/scenes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameValues } from './scenes-support.js';

describe('COCO export', () => {
  const scenes = digitScenes({ split: 'test', count: 12, seed: 21 });
  const doc = toCocoInstances(scenes);

  it('lists the images with their size and file name, and the digits as categories "0".."9"', () => {
    expect(doc.images).toHaveLength(12);
    expect(doc.images[3]).toEqual({ id: 4, file_name: '000003.png', width: 128, height: 128 });
    expect(doc.categories.map((c) => [c.id, c.name])).toEqual(
      Array.from({ length: 10 }, (_, d) => [d + 1, String(d)]),
    );
    expect(cocoInstancesSchema.safeParse(doc).success).toBe(true);
  });

  it('writes each object as bbox [x, y, w, h], its mask pixel count as area, not crowd, and its RLE', () => {
    const objects = scenes.objects.flatMap((placed, i) => placed.map((object) => ({ object, image: i + 1 })));
    expect(doc.annotations).toHaveLength(objects.length);
    doc.annotations.forEach((annotation, a) => {
      const { object, image } = objects[a]!;
      const [x1, y1, x2, y2] = object.box;
      expect(annotation).toMatchObject({
        id: a + 1,
        image_id: image,
        category_id: object.index + 1,
        iscrowd: 0,
      });
      expect(annotation.bbox).toEqual([x1, y1, x2 - x1, y2 - y1]);
      expect(annotation.area).toBe(decodeMask(object.mask).reduce((sum, v) => sum + v, 0));
      expect(annotation.segmentation).toEqual({ size: [128, 128], counts: object.mask.counts });
    });
  });
});

describe('COCO files', () => {
  const scenes = digitScenes({ split: 'train', count: 6, seed: 22, size: { height: 80, width: 96 } });
  let folder = '';

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'ocellus-coco-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads back what it wrote: the same 8-bit pixels, objects and captions', async () => {
    await writeCocoScenes(scenes, folder);
    const back = await readCocoScenes(join(folder, 'instances.json'), join(folder, 'images'));
    expect(back.set).toMatchObject({ size: 6, channels: 1, height: 80, width: 96 });
    expect(sameValues(back.set.images, scenes.set.images)).toBe(true);
    const strip = (objects: readonly { index: number; box: unknown; mask: unknown }[]) =>
      objects.map(({ index, box, mask }) => ({ index, box, mask }));
    expect(back.objects.map(strip)).toEqual(scenes.objects.map(strip));
    expect(back.objects.flat().every((o) => !o.crowd)).toBe(true);
    expect(back.captions).toEqual(scenes.captions);
    expect(Array.from(back.set.labels)).toEqual(Array.from(scenes.set.labels));
  });

  it('refuses an image file name that leaves the image folder', async () => {
    const doc = JSON.parse(await readFile(join(folder, 'instances.json'), 'utf8'));
    doc.images[0].file_name = '../instances.json';
    await writeFile(join(folder, 'escape.json'), JSON.stringify(doc));
    await expect(readCocoScenes(join(folder, 'escape.json'), join(folder, 'images'))).rejects.toThrow(
      /leaves the image folder/,
    );
  });

  it('refuses an image whose pixels do not have the size the document gives', async () => {
    const doc = JSON.parse(await readFile(join(folder, 'instances.json'), 'utf8'));
    for (const image of doc.images) Object.assign(image, { width: 80, height: 96 });
    doc.annotations = [];
    await writeFile(join(folder, 'resized.json'), JSON.stringify(doc));
    await expect(readCocoScenes(join(folder, 'resized.json'), join(folder, 'images'))).rejects.toThrow(
      /decodes to 80x96, not 96x80/,
    );
  });
});
