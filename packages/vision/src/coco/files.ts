import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import sharp from 'sharp';
import { captionOf } from '../scenes/captions.js';
import type { SceneSet } from '../scenes/scene-set.js';
import { type CocoObject, cocoAnnotations } from './from-coco.js';
import { parseCocoInstances } from './parse.js';
import type { CocoInstances } from './schema.js';
import { type CocoExportOptions, toCocoInstances } from './to-coco.js';

/** Where `writeCocoScenes` puts the document and the images inside its folder. */
export const COCO_ANNOTATIONS_FILE = 'instances.json';
export const COCO_IMAGES_FOLDER = 'images';

/** `folder/name`, refusing a file name that is absolute or climbs out of `folder`. */
function inside(folder: string, name: string): string {
  const path = resolve(folder, name);
  const rest = relative(resolve(folder), path);
  if (isAbsolute(name) || rest === '' || rest.startsWith('..') || isAbsolute(rest)) {
    throw new RangeError(`image file name '${name}' leaves the image folder`);
  }
  return path;
}

/**
 * Writes a one-channel scene set as `folder/instances.json` and one 8-bit grey PNG per image in
 * `folder/images/`; returns the document written.
 */
export async function writeCocoScenes(
  scenes: SceneSet,
  folder: string,
  options: CocoExportOptions = {},
): Promise<CocoInstances> {
  const { images, size, channels, height, width } = scenes.set;
  if (channels !== 1) throw new RangeError(`writeCocoScenes writes grey images, not ${channels} channels`);
  const doc = toCocoInstances(scenes, options);
  const imageFolder = join(folder, COCO_IMAGES_FOLDER);
  await mkdir(imageFolder, { recursive: true });
  const plane = height * width;
  for (let i = 0; i < size; i++) {
    const bytes = Buffer.alloc(plane);
    for (let p = 0; p < plane; p++)
      bytes[p] = Math.round(255 * Math.min(1, Math.max(0, images[i * plane + p]!)));
    const png = await sharp(bytes, { raw: { width, height, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    await writeFile(inside(imageFolder, doc.images[i]!.file_name), png);
  }
  await writeFile(join(folder, COCO_ANNOTATIONS_FILE), JSON.stringify(doc));
  return doc;
}

/**
 * Reads a COCO instances file and its images (from `imageFolder`, by `file_name`) as a one-channel
 * scene set; every image must have the document's size, the same for all. Labels are object counts,
 * captions the non-crowd objects' category names left to right.
 */
export async function readCocoScenes(
  annotationsFile: string,
  imageFolder: string,
): Promise<SceneSet<CocoObject>> {
  const doc = parseCocoInstances(JSON.parse(await readFile(annotationsFile, 'utf8')));
  const { labels: names, images } = cocoAnnotations(doc);
  const first = images[0];
  if (first === undefined) throw new RangeError(`${annotationsFile} lists no images`);
  const { height, width } = first;
  const plane = height * width;
  const pixels = new Float32Array(images.length * plane);
  for (const [i, image] of images.entries()) {
    if (image.height !== height || image.width !== width) {
      throw new RangeError(
        `image ${image.id} is ${image.height}x${image.width}, the first is ${height}x${width}`,
      );
    }
    const { data, info } = await sharp(await readFile(inside(imageFolder, image.fileName)))
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.height !== height || info.width !== width || info.channels !== 1) {
      throw new RangeError(
        `${image.fileName} decodes to ${info.height}x${info.width}, not ${height}x${width} as listed`,
      );
    }
    for (let p = 0; p < plane; p++) pixels[i * plane + p] = data[p]! / 255;
  }
  return {
    set: {
      images: pixels,
      labels: Int32Array.from(images, (image) => image.objects.length),
      size: images.length,
      channels: 1,
      height,
      width,
    },
    objects: images.map((image) => image.objects),
    captions: images.map((image) =>
      captionOf(
        image.objects.filter((o) => !o.crowd),
        names,
      ),
    ),
  };
}
