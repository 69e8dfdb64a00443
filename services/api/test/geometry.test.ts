import { greyImage } from '@ocellus/vision/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { images } from './helpers/multipart.js';
import { publishTest } from './helpers/registry.js';

/** Uploads of many sizes and aspect ratios, each with a rectangle `[x1, y1, x2, y2]` drawn at a known place. */
const CASES: { width: number; height: number; box: [number, number, number, number] }[] = [
  { width: 64, height: 64, box: [10, 20, 30, 50] },
  { width: 200, height: 120, box: [37, 14, 121, 77] },
  { width: 91, height: 37, box: [5, 3, 40, 30] },
  { width: 1000, height: 300, box: [610, 40, 880, 250] },
  { width: 640, height: 480, box: [100, 300, 260, 470] },
  { width: 40, height: 30, box: [8, 6, 30, 22] },
  { width: 333, height: 1111, box: [50, 700, 300, 1000] },
  { width: 2000, height: 1500, box: [1200, 100, 1900, 1300] },
];

const drawn = (
  { width, height, box: [x1, y1, x2, y2] }: (typeof CASES)[number],
  ink: number,
  paper: number,
) => greyImage(width, height, (x, y) => (x >= x1 && x < x2 && y >= y1 && y < y2 ? ink : paper));

/**
 * A pixel. The MNIST recipe crops to the ink after dropping its faintest edges, so when sharp first shrinks a
 * large upload (longer side over 512) the rectangle's blurred rim may lose up to 1.5 decoded pixels.
 */
function tolerance(model: string, c: (typeof CASES)[number]): number {
  const shrink = Math.max(c.width, c.height) / 512;
  return model === 'digit-boxes' && shrink > 1 ? 1.5 * shrink : 1;
}

describe('geometry: boxes found in model-input pixels come back in upload pixels', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({
      seed: async (registry) => {
        const common = { type: 'test-moments', task: 'localize' as const, labels: ['box'] };
        await publishTest(registry, 'photo-boxes', {
          ...common,
          inputSpec: { channels: 1, height: 64, width: 64 },
        });
        await publishTest(registry, 'digit-boxes', {
          ...common,
          inputSpec: { channels: 1, height: 28, width: 28, format: 'mnist-digit' },
        });
      },
    });
  });
  afterAll(() => t.close());

  for (const [model, ink, paper] of [
    ['photo-boxes', 255, 0],
    ['digit-boxes', 20, 230],
  ] as const) {
    it(`returns the drawn box within a pixel for every size and aspect ratio (${model})`, async () => {
      for (const c of CASES) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/v1/localize?model=${model}`,
          ...images(await drawn(c, ink, paper)),
        });
        expect(res.statusCode).toBe(200);
        const { image, box } = res.json().results[0];
        expect(image).toEqual({ width: c.width, height: c.height });
        box.forEach((v: number, i: number) => {
          expect(
            Math.abs(v - c.box[i]!),
            `${model} ${c.width}x${c.height} coordinate ${i}: ${v}`,
          ).toBeLessThan(tolerance(model, c));
        });
      }
    });
  }
});
