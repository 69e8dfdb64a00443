import { readFileSync } from 'node:fs';
import { clipBoxes, packBoxes, removeSmallBoxes } from '@ocellus/vision/boxes';
import { describe, expect, it } from 'vitest';

/** Written by fixtures/boxes.py from torchvision 0.14's clip_boxes_to_image and remove_small_boxes. */
interface Fixture {
  clip: { boxes: number[]; height: number; width: number; clipped: number[] };
  removeSmall: { boxes: number[]; cases: { minSize: number; keep: number[] }[] };
}
const { clip, removeSmall } = JSON.parse(
  readFileSync(new URL('../fixtures/boxes.json', import.meta.url), 'utf8'),
) as Fixture;

describe('clipBoxes', () => {
  it('matches torchvision clip_boxes_to_image', () => {
    expect(Array.from(clipBoxes(Float64Array.from(clip.boxes), clip.height, clip.width))).toEqual(
      clip.clipped,
    );
  });

  it('clamps x to [0, width] and y to [0, height], keeping the element type', () => {
    const clipped = clipBoxes(Float32Array.of(-5, -5, 100, 100, 10, 60, 20, 70), 50, 70);
    expect(clipped).toBeInstanceOf(Float32Array);
    expect(Array.from(clipped)).toEqual([0, 0, 70, 50, 10, 50, 20, 50]);
  });
});

describe('removeSmallBoxes', () => {
  it.each(removeSmall.cases)(
    'matches torchvision remove_small_boxes at min size $minSize',
    ({ minSize, keep }) => {
      expect(Array.from(removeSmallBoxes(Float64Array.from(removeSmall.boxes), minSize))).toEqual(keep);
    },
  );

  it('keeps a side equal to the minimum and drops one just below it or negative', () => {
    const boxes = packBoxes([
      [0, 0, 4, 4],
      [0, 0, 3.5, 4],
      [0, 0, 4, 3.5],
      [5, 5, 1, 9],
      [0, 0, 9, 9],
    ]);
    expect(Array.from(removeSmallBoxes(boxes, 4))).toEqual([0, 4]);
    expect(removeSmallBoxes(new Float64Array(0), 4).length).toBe(0);
  });
});
