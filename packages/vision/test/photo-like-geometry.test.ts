import { Rng } from '@ocellus/tensor';
import {
  type CanvasObject,
  canvasTransform,
  photoLike,
  transformObjects,
  transformPlane,
} from '@ocellus/vision/augment';
import { describe, expect, it } from 'vitest';
import { type Box, extent, rectangles } from './rectangle-fixture.js';

/** Photo-like settings that only move: light ink 1 on paper 0, even light, no blur, no noise. */
const ONLY_MOVE = {
  darkInk: 0,
  paper: [1, 1],
  ink: [0, 0],
  unevenness: 0,
  blur: [0, 0],
  noise: [0, 0],
} as const;

const BOXES: Box[] = [
  [10, 12, 40, 30],
  [60, 50, 75, 100],
  [90, 8, 120, 40],
];

describe('photo-like geometry', () => {
  it('moves each drawn rectangle onto its transformed box, within a pixel, under random zoom and shift', () => {
    const scene = rectangles(128, 128, BOXES);
    for (let seed = 0; seed < 12; seed++) {
      const out = photoLike(scene, new Rng(seed), {
        ...ONLY_MOVE,
        zoom: [0.6, 1.6],
        translate: 0.15,
        minVisible: 0,
      });
      expect(out.objects.length).toBeGreaterThan(0);
      for (const object of out.objects) {
        const window = [object.box[0] - 2, object.box[1] - 2, object.box[2] + 2, object.box[3] + 2];
        const drawn = extent(128, 128, window, (i) => out.pixels[i]! > 0.5);
        for (const [k, v] of drawn.entries()) expect(Math.abs(v - object.box[k]!)).toBeLessThanOrEqual(1);
        const masked = extent(128, 128, [0, 0, 128, 128], (i) => object.mask[i] === 1);
        for (const [k, v] of masked.entries()) expect(Math.abs(v - object.box[k]!)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('resizes each axis on its own to a requested size, boxes and masks scaled with it', () => {
    const scene = rectangles(128, 128, BOXES);
    const out = photoLike(scene, new Rng(3), {
      ...ONLY_MOVE,
      size: { width: 300, height: 90 },
      zoom: [1, 1],
      translate: 0,
    });
    expect(out.pixels.length).toBe(300 * 90);
    out.objects.forEach((object, k) => {
      const [x1, y1, x2, y2] = BOXES[k]!;
      expect(object.box).toEqual([(x1 * 300) / 128, (y1 * 90) / 128, (x2 * 300) / 128, (y2 * 90) / 128]);
      const drawn = extent(300, 90, [0, 0, 300, 90], (i) => object.mask[i] === 1 && out.pixels[i]! > 0.5);
      for (const [i, v] of drawn.entries()) expect(Math.abs(v - object.box[i]!)).toBeLessThanOrEqual(1);
    });
  });

  it('clips a box leaving the canvas and drops the object when less than minVisible of it stays', () => {
    const scene = rectangles(100, 100, [
      [0, 0, 20, 20],
      [40, 40, 60, 60],
    ]);
    const t = canvasTransform(scene, { width: 100, height: 100 }, scene, { x: -15, y: 0 });
    const [kept, ...rest] = transformObjects(scene.objects, 100, 100, t, 0.2);
    expect(rest.map((o) => o.index)).toEqual([1]);
    expect(kept!.index).toBe(0);
    expect(kept!.box).toEqual([0, 0, 5, 20]);
    expect(transformObjects(scene.objects, 100, 100, t, 0.5).map((o) => o.index)).toEqual([1]);
  });

  it('leaves objects without masks without masks, and other fields as they were', () => {
    const objects: (CanvasObject & { label: string })[] = [{ box: [10, 10, 20, 20], label: 'seven' }];
    const t = canvasTransform(
      { width: 50, height: 50 },
      { width: 100, height: 100 },
      { width: 100, height: 100 },
    );
    expect(transformObjects(objects, 50, 50, t)).toEqual([{ box: [20, 20, 40, 40], label: 'seven' }]);
  });

  it('is the identity under an identity transform, and fills what the source does not reach', () => {
    const plane = Float32Array.from({ length: 64 }, (_, i) => i / 64);
    const same = canvasTransform({ width: 8, height: 8 }, { width: 8, height: 8 }, { width: 8, height: 8 });
    expect(transformPlane(plane, 8, 8, same)).toEqual(plane);
    const shifted = canvasTransform(
      { width: 8, height: 8 },
      { width: 8, height: 8 },
      { width: 8, height: 8 },
      { x: 3, y: -2 },
    );
    const out = transformPlane(plane, 8, 8, shifted, 0.5);
    expect(out[0]).toBe(0.5);
    expect(out[0 * 8 + 3]).toBe(plane[2 * 8 + 0]);
    expect(out[5 * 8 + 7]).toBe(plane[7 * 8 + 4]);
    expect(out[6 * 8 + 7]).toBe(0.5);
  });
});
