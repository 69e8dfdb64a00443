import { Rng } from '@ocellus/tensor';
import { photoLikeUpload } from '@ocellus/vision/augment';
import { decodeImage, toModelInput, toUploadBox } from '@ocellus/vision/image';
import { describe, expect, it } from 'vitest';
import { type Box, extent, rectangles } from './rectangle-fixture.js';

const SCENE_INPUT = { channels: 1, height: 128, width: 128, format: 'digit-scene' } as const;
const BOXES: Box[] = [
  [10, 12, 40, 30],
  [60, 50, 75, 100],
  [90, 8, 120, 40],
  [20, 80, 45, 120],
];
const scene = rectangles(128, 128, BOXES);

describe('photoLikeUpload', () => {
  it('scales boxes and masks to an upload of the drawn size', async () => {
    const upload = await photoLikeUpload(scene, new Rng(1), { scale: [2, 2], aspect: [0.75, 0.75] });
    expect([upload.width, upload.height]).toEqual([256, 192]);
    expect(upload.objects.map((o) => o.box)).toEqual(
      BOXES.map(([x1, y1, x2, y2]) => [2 * x1, 1.5 * y1, 2 * x2, 1.5 * y2]),
    );
    expect(upload.objects[0]!.mask.length).toBe(256 * 192);
    const image = await decodeImage(upload.bytes);
    expect([image.width, image.height]).toEqual([256, 192]);
  });

  it('draws sizes and encodings from the seed alone', async () => {
    const a = await photoLikeUpload(scene, new Rng(7));
    const b = await photoLikeUpload(scene, new Rng(7));
    expect(b.bytes.equals(a.bytes)).toBe(true);
    const sizes = new Set<string>();
    const formats = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const upload = await photoLikeUpload(scene, new Rng(seed));
      sizes.add(`${upload.width}x${upload.height}`);
      formats.add(upload.encoding.format);
      expect(upload.width).toBeGreaterThanOrEqual(64);
      expect(upload.width).toBeLessThanOrEqual(384);
      expect(upload.height / upload.width).toBeGreaterThanOrEqual(0.74);
      expect(upload.height / upload.width).toBeLessThanOrEqual(1.34);
    }
    expect(sizes.size).toBeGreaterThan(8);
    expect(formats).toEqual(new Set(['png', 'jpeg']));
  });

  // Measured: 0.5 upload px at half size (an odd edge falls mid-pixel), 0 at every other size.
  it('brings each box back to upload pixels within one pixel through decode and the digit-scene input', async () => {
    for (const scale of [0.5, 1, 1.7, 3]) {
      for (const aspect of [0.75, 1, 4 / 3]) {
        for (const seed of [0, 1]) {
          const upload = await photoLikeUpload(scene, new Rng(seed), {
            scale: [scale, scale],
            aspect: [aspect, aspect],
          });
          const input = toModelInput(await decodeImage(upload.bytes), SCENE_INPUT);
          BOXES.forEach((box, k) => {
            const truth = upload.objects[k]!.box;
            for (const [i, v] of toUploadBox(box, input.geometry).entries())
              expect(v).toBeCloseTo(truth[i]!, 6);
            const window = [box[0] - 3, box[1] - 3, box[2] + 3, box[3] + 3];
            const found = extent(128, 128, window, (p) => input.pixels[p]! > 0.5);
            for (const [i, v] of toUploadBox(found, input.geometry).entries()) {
              expect(Math.abs(v - truth[i]!)).toBeLessThanOrEqual(1);
            }
          });
        }
      }
    }
  });
});
