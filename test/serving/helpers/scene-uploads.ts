import type { Box } from '@ocellus/contracts';
import { Rng } from '@ocellus/tensor';
import { photoLikeUpload } from '@ocellus/vision/augment';
import { decodeMask } from '@ocellus/vision/rle';
import type { SceneSet } from '@ocellus/vision/scenes';

export interface SceneUpload {
  bytes: Buffer;
  type: string;
  width: number;
  height: number;
  caption: string;
  /** Boxes in upload pixels; masks resized to the upload, row-major. */
  objects: { index: number; box: Box; mask: Uint8Array }[];
}

/** Test-split canvases rendered photo-like (either polarity, uneven paper, noise, JPEG) at 0.5-3x their size. */
export async function sceneUploads(scenes: SceneSet, seed: number): Promise<SceneUpload[]> {
  const rng = new Rng(seed);
  const { set } = scenes;
  const plane = set.height * set.width;
  return Promise.all(
    scenes.objects.map(async (objects, i) => {
      const sample = {
        pixels: set.images.slice(i * plane, (i + 1) * plane),
        width: set.width,
        height: set.height,
        objects: objects.map(({ index, box, mask }) => ({ index, box, mask: decodeMask(mask) })),
      };
      const upload = await photoLikeUpload(sample, rng.fork());
      return {
        bytes: upload.bytes,
        type: upload.encoding.format === 'jpeg' ? 'image/jpeg' : 'image/png',
        width: upload.width,
        height: upload.height,
        caption: scenes.captions[i]!,
        objects: upload.objects.map(({ index, box, mask }) => ({ index, box: box as Box, mask: mask! })),
      };
    }),
  );
}
