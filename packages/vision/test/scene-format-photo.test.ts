import { Rng } from '@ocellus/tensor';
import { type PhotoUploadOptions, photoLikeUpload } from '@ocellus/vision/augment';
import { decodeImage, type ModelInputSpec, toModelInput } from '@ocellus/vision/image';
import { describe, expect, it } from 'vitest';
import { digitScene, thresholdIou } from './digit-scene-fixture.js';

const SCENES = 30;

/** IoU of the `> 0.5` pixels of each clean scene and of its photo-like upload brought through `spec`. */
async function recovered(options: PhotoUploadOptions, spec: ModelInputSpec): Promise<number[]> {
  const ious: number[] = [];
  for (let seed = 0; seed < SCENES; seed++) {
    const scene = digitScene(100 + seed);
    const upload = await photoLikeUpload(scene, new Rng(seed), options);
    const input = toModelInput(await decodeImage(upload.bytes), spec);
    ious.push(thresholdIou(input.pixels, scene.pixels));
  }
  return ious;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const SCENE_INPUT = { channels: 1, height: 128, width: 128, format: 'digit-scene' } as const;

// Bounds a little under what was measured over 60 scenes; blur is what costs most (sigma 1 px alone: 0.85).
describe("the 'digit-scene' format on photo-like uploads", () => {
  it('recovers the clean masks under polarity, uneven paper, ink colour, noise and JPEG (mean 0.96, min 0.87)', async () => {
    for (const rgb of [false, true]) {
      const ious = await recovered({ scale: [1, 1], aspect: [1, 1], blur: [0, 0], rgb }, SCENE_INPUT);
      expect(mean(ious)).toBeGreaterThan(0.93);
      expect(Math.min(...ious)).toBeGreaterThan(0.85);
    }
  });

  it('recovers them with blur and at upload sizes from 0.5x to 3x as well (mean 0.88, min 0.69)', async () => {
    const ious = await recovered({}, SCENE_INPUT);
    expect(mean(ious)).toBeGreaterThan(0.85);
    expect(Math.min(...ious)).toBeGreaterThan(0.6);
  });

  it('is what does the recovering: the plain photo format on the same dark-ink uploads does not', async () => {
    const ious = await recovered(
      { scale: [1, 1], aspect: [1, 1], darkInk: 1 },
      { ...SCENE_INPUT, format: 'photo' },
    );
    expect(mean(ious)).toBeLessThan(0.2);
  });
});
