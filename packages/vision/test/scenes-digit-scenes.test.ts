import { boxIou } from '@ocellus/vision/boxes';
import { canonicalSplit, loadMnist } from '@ocellus/vision/mnist';
import { digitScenes } from '@ocellus/vision/scenes';
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

const centreX = (box: readonly number[]) => (box[0]! + box[2]!) / 2;

describe('digitScenes', () => {
  const scenes = digitScenes({ split: 'test', count: 300, seed: 11 });
  const objects = scenes.objects.flat();

  it('makes 128x128 grey canvases of 1 to 5 digits, every count occurring, labelled by the count', () => {
    expect(scenes.set).toMatchObject({ size: 300, channels: 1, height: 128, width: 128 });
    const counts = scenes.objects.map((o) => o.length);
    expect(new Set(counts)).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(Array.from(scenes.set.labels)).toEqual(counts);
    const mnistLabels = loadMnist().labels;
    for (const object of objects) expect(object.index).toBe(mnistLabels[object.mnistIndex]);
  });

  it('keeps every pair of boxes at IoU <= 0.2 and centre x at least 4 px apart', () => {
    let closest = Number.POSITIVE_INFINITY;
    for (const placed of scenes.objects) {
      for (let a = 0; a < placed.length; a++) {
        for (let b = a + 1; b < placed.length; b++) {
          expect(boxIou(placed[a]!.box, placed[b]!.box)).toBeLessThanOrEqual(0.2);
          const gap = Math.abs(centreX(placed[a]!.box) - centreX(placed[b]!.box));
          expect(gap).toBeGreaterThanOrEqual(4);
          closest = Math.min(closest, gap);
        }
      }
    }
    expect(closest).toBeLessThan(10);
  });

  it("boxes each digit's mask extent; the canvas is the per-pixel max, above 0.5 only under a mask", () => {
    scenes.objects.forEach((placed, i) => {
      const masks = placed.map((object) => decodeMask(object.mask));
      placed.forEach((object, j) => {
        expect(object.box).toEqual(maskExtent(masks[j]!, 128, 128));
      });
      expect(thresholdViolations(imagePlane(scenes, i), masks)).toBe(0);
    });
  });

  it('stores 8-bit grey levels k / 255', () => {
    expect(offGrid(scenes.set.images)).toBe(0);
    expect(scenes.set.images.some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('resizes each digit to a side in 16..40, every side occurring', () => {
    const sides = objects.slice(0, 400).map((object) => explainingSizes(object, 128, 128, SIDES));
    for (const found of sides) {
      expect(found.length).toBeGreaterThan(0);
      for (const side of found) expect(side >= 16 && side <= 40).toBe(true);
    }
    const unique = new Set(sides.filter((found) => found.length === 1).map((found) => found[0]));
    expect(unique.has(16) && unique.has(40)).toBe(true);
  });

  it('captions the digits left to right by box centre, single-spaced', () => {
    scenes.objects.forEach((placed, i) => {
      const words = scenes.captions[i]!.split(' ');
      expect(words).toHaveLength(placed.length);
      const ordered = [...placed].sort((a, b) => centreX(a.box) - centreX(b.box));
      expect(words).toEqual(ordered.map((o) => String(o.index)));
    });
  });

  it('leaves out a digit that finds no place in 100 tries, and the scene keeps the others', () => {
    const crowded = digitScenes({
      split: 'test',
      count: 40,
      seed: 3,
      size: { height: 40, width: 40 },
      digits: { min: 5, max: 5 },
    });
    const counts = crowded.objects.map((o) => o.length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    expect(counts.some((count) => count < 5)).toBe(true);
    expect(Array.from(crowded.set.labels)).toEqual(counts);
  });

  it('tries the number of digits asked for', () => {
    const pairs = digitScenes({ split: 'train', count: 100, seed: 4, digits: { min: 2, max: 2 } });
    expect(pairs.objects.every((o) => o.length <= 2)).toBe(true);
    expect(pairs.objects.filter((o) => o.length === 2).length).toBeGreaterThan(95);
    expect(() => digitScenes({ split: 'train', count: 1, seed: 4, digits: { min: 3, max: 2 } })).toThrow(
      /1 <= min <= max/,
    );
  });

  it('gives the same scenes for the same options and other scenes for another seed', () => {
    const again = digitScenes({ split: 'test', count: 300, seed: 11 });
    expect(sameValues(again.set.images, scenes.set.images)).toBe(true);
    expect(again.objects).toEqual(scenes.objects);
    expect(again.captions).toEqual(scenes.captions);
    const other = digitScenes({ split: 'test', count: 300, seed: 12 });
    expect(sameValues(other.set.images, scenes.set.images)).toBe(false);
    expect(other.captions).not.toEqual(scenes.captions);
  });

  it('draws only from the requested split', () => {
    const test = new Set(canonicalSplit().test);
    expect(objects.every((o) => test.has(o.mnistIndex))).toBe(true);
    const train = new Set(canonicalSplit().train);
    const training = digitScenes({ split: 'train', count: 300, seed: 11 });
    expect(training.objects.flat().every((o) => train.has(o.mnistIndex))).toBe(true);
  });
});
