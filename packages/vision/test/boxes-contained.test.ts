import { packBoxes, suppressContained } from '@ocellus/vision/boxes';
import { describe, expect, it } from 'vitest';

describe('suppressContained', () => {
  // 0: a whole digit; 1: its upper loop (all inside 0, IoU 0.4); 2: a box half inside 0;
  // 3: the loop again, another class; 4: a box far away.
  const boxes = packBoxes([
    [10, 10, 30, 50],
    [12, 12, 28, 28],
    [20, 10, 40, 50],
    [12, 12, 28, 28],
    [60, 60, 80, 80],
  ]);
  const classes = [9, 9, 9, 0, 9];

  it('drops a box mostly inside a better box of its class, keeping the order', () => {
    expect(Array.from(suppressContained(boxes, classes, [0, 1, 2, 3, 4], 0.8))).toEqual([0, 2, 3, 4]);
    expect(Array.from(suppressContained(boxes, classes, [0, 1, 2, 3, 4], 0.5))).toEqual([0, 3, 4]);
  });

  it('never lets a worse box suppress a better one: the loop scored first stays, the whole too', () => {
    expect(Array.from(suppressContained(boxes, classes, [1, 0, 4], 0.8))).toEqual([1, 0, 4]);
  });

  it('judges only against kept boxes', () => {
    // 2 is dropped by 0 at 0.5, so 2 cannot drop anything itself.
    const chain = packBoxes([
      [0, 0, 20, 20],
      [10, 0, 30, 20],
      [22, 0, 30, 20],
    ]);
    expect(Array.from(suppressContained(chain, [1, 1, 1], [0, 1, 2], 0.5))).toEqual([0, 2]);
  });

  it('refuses a fraction outside (0, 1] and mismatched lengths', () => {
    expect(() => suppressContained(boxes, classes, [0], 0)).toThrow(/fraction must be in \(0, 1\]/);
    expect(() => suppressContained(boxes, [1], [0], 0.8)).toThrow(/5 boxes and 1 class indices/);
  });
});
