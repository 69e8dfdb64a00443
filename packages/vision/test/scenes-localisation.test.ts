import { canonicalSplit, loadMnist } from '@ocellus/vision/mnist';
import { localisationImages } from '@ocellus/vision/scenes';
import { describe, expect, it } from 'vitest';
import {
  decodeMask,
  explainingSizes,
  imagePlane,
  maskExtent,
  offGrid,
  SIDES,
  sameValues,
  thresholdViolations,
} from './scenes-support.js';

describe('localisationImages', () => {
  const images = localisationImages({ split: 'train', count: 400, seed: 5 });

  it('makes 64x64 grey canvases with one digit each, labelled and captioned by that digit', () => {
    expect(images.set).toMatchObject({ size: 400, channels: 1, height: 64, width: 64 });
    expect(images.set.images.length).toBe(400 * 64 * 64);
    const mnistLabels = loadMnist().labels;
    images.objects.forEach((objects, i) => {
      expect(objects).toHaveLength(1);
      const [object] = objects;
      expect(object!.index).toBe(mnistLabels[object!.mnistIndex]);
      expect(images.set.labels[i]).toBe(object!.index);
      expect(images.captions[i]).toBe(String(object!.index));
    });
  });

  it("boxes each digit's mask extent, the mask being the canvas pixels above 0.5", () => {
    images.objects.forEach(([object], i) => {
      const mask = decodeMask(object!.mask);
      expect(object!.mask.size).toEqual([64, 64]);
      expect(object!.box).toEqual(maskExtent(mask, 64, 64));
      expect(thresholdViolations(imagePlane(images, i), [mask])).toBe(0);
    });
  });

  it('stores 8-bit grey levels k / 255', () => {
    expect(offGrid(images.set.images)).toBe(0);
    expect(images.set.images.some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('resizes each digit to a side in 20..40, every side occurring', () => {
    const sides = images.objects.map(([object]) => explainingSizes(object!, 64, 64, SIDES));
    for (const found of sides) {
      expect(found.length).toBeGreaterThan(0);
      for (const side of found) expect(side >= 20 && side <= 40).toBe(true);
    }
    const unique = new Set(sides.filter((found) => found.length === 1).map((found) => found[0]));
    expect(unique.has(20) && unique.has(40)).toBe(true);
  });

  it('places digits all over the canvas, touching every edge somewhere', () => {
    const boxes = images.objects.map(([object]) => object!.box);
    expect(Math.min(...boxes.map((b) => b[0]))).toBeLessThanOrEqual(6);
    expect(Math.min(...boxes.map((b) => b[1]))).toBeLessThanOrEqual(6);
    expect(Math.max(...boxes.map((b) => b[2]))).toBeGreaterThanOrEqual(58);
    expect(Math.max(...boxes.map((b) => b[3]))).toBeGreaterThanOrEqual(58);
  });

  it('gives the same images for the same options, a prefix for a smaller count, others for another seed', () => {
    const again = localisationImages({ split: 'train', count: 400, seed: 5 });
    expect(sameValues(again.set.images, images.set.images)).toBe(true);
    expect(again.objects).toEqual(images.objects);
    const prefix = localisationImages({ split: 'train', count: 10, seed: 5 });
    expect(sameValues(prefix.set.images, images.set.images.subarray(0, 10 * 64 * 64))).toBe(true);
    const other = localisationImages({ split: 'train', count: 10, seed: 6 });
    expect(sameValues(other.set.images, prefix.set.images)).toBe(false);
  });

  it('draws only from the requested split', () => {
    const train = new Set(canonicalSplit().train);
    const test = new Set(canonicalSplit().test);
    expect(images.objects.every(([o]) => train.has(o!.mnistIndex))).toBe(true);
    const evaluation = localisationImages({ split: 'test', count: 400, seed: 5 });
    expect(evaluation.objects.every(([o]) => test.has(o!.mnistIndex))).toBe(true);
  });

  it('draws only from a given pool, refusing one that leaves its split', () => {
    const pool = canonicalSplit().test.subarray(100, 110);
    const drawn = localisationImages({ split: 'test', count: 50, seed: 1, pool });
    expect(drawn.objects.every(([o]) => pool.includes(o!.mnistIndex))).toBe(true);
    expect(() => localisationImages({ split: 'train', count: 5, seed: 1, pool })).toThrow(
      /not in the canonical train split/,
    );
  });

  it('takes other canvas sizes that hold a 40 px digit, and refuses smaller ones', () => {
    const wide = localisationImages({ split: 'test', count: 50, seed: 2, size: { height: 40, width: 100 } });
    expect(wide.set).toMatchObject({ height: 40, width: 100 });
    for (const [object] of wide.objects) {
      expect(object!.box[2]).toBeLessThanOrEqual(100);
      expect(object!.box[3]).toBeLessThanOrEqual(40);
      expect(object!.mask.size).toEqual([40, 100]);
    }
    expect(() =>
      localisationImages({ split: 'test', count: 1, seed: 2, size: { height: 39, width: 64 } }),
    ).toThrow(/cannot hold a 40x40 digit/);
  });
});
