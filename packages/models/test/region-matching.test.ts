import type { Box } from '@ocellus/contracts';
import { Rng } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { BACKGROUND, IGNORED, matchBoxes } from '../src/detect/region/matcher.js';
import { sampleBalanced } from '../src/detect/region/sampler.js';

const objects: Box[] = [
  [0, 0, 10, 10],
  [20, 20, 30, 30],
];

describe('matching boxes to objects', () => {
  it('matches at fgIou, ignores between the thresholds, and calls the rest background', () => {
    const boxes: Box[] = [
      [0, 0, 10, 10], // IoU 1 with object 0
      [21, 20, 31, 30], // IoU 90/110 = 0.818 with object 1
      [0, 0, 10, 20], // IoU 0.5 with object 0
      [50, 50, 60, 60], // nothing
    ];
    const match = matchBoxes(boxes, objects, { fgIou: 0.7, bgIou: 0.3, lowQuality: false });
    expect(Array.from(match)).toEqual([0, 1, IGNORED, BACKGROUND]);
  });

  it('gives each object its best boxes, ties included, when low-quality matches are allowed', () => {
    const boxes: Box[] = [
      [0, 0, 10, 20], // IoU 0.5 with object 0: its best
      [0, 0, 20, 10], // IoU 0.5 with object 0: tied best
      [20, 20, 40, 40], // IoU 0.25 with object 1: its best, below bgIou
      [50, 50, 60, 60],
    ];
    const strict = matchBoxes(boxes, objects, { fgIou: 0.7, bgIou: 0.3, lowQuality: false });
    expect(Array.from(strict)).toEqual([IGNORED, IGNORED, BACKGROUND, BACKGROUND]);
    const loose = matchBoxes(boxes, objects, { fgIou: 0.7, bgIou: 0.3, lowQuality: true });
    expect(Array.from(loose)).toEqual([0, 0, 1, BACKGROUND]);
  });

  it('calls every box background when there are no objects', () => {
    const match = matchBoxes([[0, 0, 5, 5]], [], { fgIou: 0.5, bgIou: 0.5, lowQuality: true });
    expect(Array.from(match)).toEqual([BACKGROUND]);
  });
});

describe('balanced sampling', () => {
  const match = Int32Array.from([
    0,
    IGNORED,
    BACKGROUND,
    1,
    BACKGROUND,
    BACKGROUND,
    0,
    BACKGROUND,
    IGNORED,
    1,
  ]);

  it('takes at most the positive fraction from the matched, fills up with background, never the ignored', () => {
    const { positives, negatives } = sampleBalanced(match, 4, 0.25, new Rng(1));
    expect(positives).toHaveLength(1);
    expect(negatives).toHaveLength(3);
    for (const i of positives) expect(match[i]).toBeGreaterThanOrEqual(0);
    for (const i of negatives) expect(match[i]).toBe(BACKGROUND);
  });

  it('fills the batch with background when positives run short, and stops when both run out', () => {
    const few = sampleBalanced(match, 8, 0.75, new Rng(1));
    expect(few.positives).toHaveLength(4);
    expect(few.negatives).toHaveLength(4);
    const all = sampleBalanced(match, 100, 0.5, new Rng(1));
    expect(all.positives.length + all.negatives.length).toBe(8);
  });

  it('draws the same sample for the same seed and a different one for another', () => {
    const many = Int32Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0 : BACKGROUND));
    const a = sampleBalanced(many, 16, 0.5, new Rng(5));
    const b = sampleBalanced(many, 16, 0.5, new Rng(5));
    const c = sampleBalanced(many, 16, 0.5, new Rng(6));
    expect(Array.from(b.positives)).toEqual(Array.from(a.positives));
    expect(Array.from(b.negatives)).toEqual(Array.from(a.negatives));
    expect(Array.from(c.negatives)).not.toEqual(Array.from(a.negatives));
  });
});
