import { readFileSync } from 'node:fs';
import type { Box } from '@ocellus/contracts';
import { Rng } from '@ocellus/tensor';
import { batchedNms, nms, packBoxes, pairwiseIou } from '@ocellus/vision/boxes';
import { describe, expect, it } from 'vitest';

/** Written by fixtures/boxes.py from torchvision 0.14 (float64); NaN is stored as null. */
interface Fixture {
  iou: { a: number[]; b: number[]; iou: (number | null)[] };
  nms: {
    inputs: {
      large: { boxes: number[]; distinct: number[]; tied: number[] };
      small: { boxes: number[]; tied: number[] };
    };
    cases: {
      name: string;
      boxes: 'large' | 'small';
      scores: 'distinct' | 'tied';
      iouThreshold: number;
      keep: number[];
    }[];
  };
  batchedNms: {
    name: string;
    scores: 'distinct' | 'tied';
    classIndices: number[];
    iouThreshold: number;
    keep: number[];
  }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/boxes.json', import.meta.url), 'utf8'),
) as Fixture;

const tuples = (flat: readonly number[]): Box[] =>
  Array.from({ length: flat.length / 4 }, (_, i) => flat.slice(i * 4, i * 4 + 4) as Box);

describe('pairwiseIou against torchvision box_iou', () => {
  it('agrees to 1e-11 relative (the fixture keeps 12 digits), and gives 0 where torchvision divides 0 by an empty union', () => {
    const { a, b, iou } = fixture.iou;
    const got = pairwiseIou(tuples(a), tuples(b));
    expect(got.length).toBe(iou.length);
    expect(iou).toContain(null);
    iou.forEach((expected, k) => {
      if (expected === null) expect(got[k]).toBe(0);
      else
        expect(Math.abs(got[k]! - expected)).toBeLessThanOrEqual(1e-11 * Math.max(Math.abs(expected), 1e-8));
    });
  });
});

describe('nms against torchvision', () => {
  const { inputs, cases } = fixture.nms;
  it.each(cases)(
    'keeps the same indices in the same order: $name',
    ({ boxes, scores, iouThreshold, keep }) => {
      const set = inputs[boxes];
      const s = scores === 'distinct' ? inputs.large.distinct : set.tied;
      expect(Array.from(nms(Float64Array.from(set.boxes), s, iouThreshold))).toEqual(keep);
    },
  );
});

describe('nms with a limit', () => {
  it('gives the first `limit` boxes the unlimited nms keeps, on the fixture and on many random boxes', () => {
    const { boxes, distinct, tied } = fixture.nms.inputs.large;
    for (const scores of [distinct, tied]) {
      const all = nms(Float64Array.from(boxes), scores, 0.5);
      for (const limit of [0, 1, 3, all.length - 1, all.length, all.length + 5]) {
        expect(Array.from(nms(Float64Array.from(boxes), scores, 0.5, limit))).toEqual(
          Array.from(all.subarray(0, limit)),
        );
      }
    }
    const rng = new Rng(7);
    const random = () => rng.uniform();
    const many = new Float32Array(4 * 400);
    for (let i = 0; i < 400; i++) {
      const [x, y] = [random() * 100, random() * 100];
      many.set([x, y, x + 5 + random() * 30, y + 5 + random() * 30], 4 * i);
    }
    const scores = Float32Array.from({ length: 400 }, () => Math.round(random() * 50) / 50);
    const all = nms(many, scores, 0.3);
    expect(all.length).toBeGreaterThan(40);
    expect(Array.from(nms(many, scores, 0.3, 40))).toEqual(Array.from(all.subarray(0, 40)));
  });
});

describe('batchedNms against torchvision', () => {
  const { boxes, distinct, tied } = fixture.nms.inputs.large;
  it.each(fixture.batchedNms)('keeps the same indices in the same order: $name', (c) => {
    const scores = c.scores === 'distinct' ? distinct : tied;
    const keep = batchedNms(Float64Array.from(boxes), scores, c.classIndices, c.iouThreshold);
    expect(Array.from(keep)).toEqual(c.keep);
  });
});

describe('nms', () => {
  // IoU of these two is exactly 2 / 4.
  const halfOverlap = packBoxes([
    [0, 0, 3, 1],
    [1, 0, 4, 1],
  ]);

  it('keeps a box whose IoU equals the threshold and drops it just above', () => {
    expect(Array.from(nms(halfOverlap, [0.9, 0.8], 0.5))).toEqual([0, 1]);
    expect(Array.from(nms(halfOverlap, [0.9, 0.8], 0.49))).toEqual([0]);
  });

  it('drops even disjoint boxes under a negative threshold (IoU 0 is above it), as the kernel does', () => {
    const apart = packBoxes([
      [0, 0, 1, 1],
      [5, 5, 6, 6],
    ]);
    expect(Array.from(nms(apart, [0.9, 0.8], 0))).toEqual([0, 1]);
    expect(Array.from(nms(apart, [0.9, 0.8], -0.1))).toEqual([0]);
  });

  it('returns kept indices by decreasing score, not by index', () => {
    expect(Array.from(nms(halfOverlap, [0.2, 0.8], 0.5))).toEqual([1, 0]);
    expect(Array.from(nms(halfOverlap, [0.2, 0.8], 0.3))).toEqual([1]);
  });

  it('ranks equal scores by index, so the first of identical tied boxes survives', () => {
    const same = packBoxes([
      [5, 5, 9, 9],
      [0, 0, 2, 2],
      [5, 5, 9, 9],
      [5, 5, 9, 9],
    ]);
    expect(Array.from(nms(same, [0.5, 0.5, 0.5, 0.7], 0.5))).toEqual([3, 1]);
    expect(Array.from(nms(same, [0.5, 0.5, 0.5, 0.4], 0.5))).toEqual([0, 1]);
  });

  it('lets only kept boxes suppress: a box suppressed by the first does not suppress the third', () => {
    // IoU(A, B) = IoU(B, C) = 1/3, IoU(A, C) = 0
    const chain = packBoxes([
      [0, 0, 2, 1],
      [1, 0, 3, 1],
      [2, 0, 4, 1],
    ]);
    expect(Array.from(nms(chain, [0.9, 0.8, 0.7], 0.3))).toEqual([0, 2]);
  });

  it('never suppresses with zero-area boxes (their IoU is 0 / 0), even at threshold 0', () => {
    const points = packBoxes([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [0, 0, 2, 2],
    ]);
    expect(Array.from(nms(points, [0.9, 0.8, 0.7], 0))).toEqual([0, 1, 2]);
  });

  it('handles empty input and a single box', () => {
    const none = nms(new Float64Array(0), [], 0.5);
    expect(none).toBeInstanceOf(Int32Array);
    expect(none.length).toBe(0);
    expect(Array.from(nms(Float32Array.of(1, 2, 3, 4), [0.1], 0.5))).toEqual([0]);
  });

  it('reads Float32Array boxes like Float64Array ones', () => {
    const boxes = Float32Array.from(halfOverlap);
    expect(Array.from(nms(boxes, [0.9, 0.8], 0.5))).toEqual([0, 1]);
    expect(Array.from(nms(boxes, [0.9, 0.8], 0.49))).toEqual([0]);
  });

  it('rejects boxes not in fours and a score count that differs from the box count', () => {
    expect(() => nms(new Float64Array(6), [1], 0.5)).toThrow(RangeError);
    expect(() => nms(halfOverlap, [1], 0.5)).toThrow(/2 boxes but 1 scores/);
  });
});

describe('batchedNms', () => {
  const twins = packBoxes([
    [0, 0, 4, 4],
    [0, 0, 4, 4],
    [10, 10, 12, 12],
  ]);

  it('suppresses only within a class', () => {
    expect(Array.from(batchedNms(twins, [0.9, 0.8, 0.7], [3, 3, 3], 0.5))).toEqual([0, 2]);
    expect(Array.from(batchedNms(twins, [0.9, 0.8, 0.7], [3, -1, 3], 0.5))).toEqual([0, 1, 2]);
  });

  it('orders the survivors of all classes by decreasing score, ties by index', () => {
    expect(Array.from(batchedNms(twins, [0.2, 0.9, 0.5], [1, 0, 1], 0.5))).toEqual([1, 2, 0]);
    expect(Array.from(batchedNms(twins, [0.5, 0.5, 0.5], [2, 1, 0], 0.5))).toEqual([0, 1, 2]);
  });

  it('returns nothing for no boxes and rejects non-integer class indices', () => {
    expect(batchedNms(new Float32Array(0), [], [], 0.5).length).toBe(0);
    expect(() => batchedNms(twins, [1, 1, 1], [0, 0.5, 1], 0.5)).toThrow(/not an integer/);
  });
});

describe('packBoxes', () => {
  it('lays Box tuples out flat, four numbers a box', () => {
    const flat = packBoxes([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(flat).toBeInstanceOf(Float64Array);
    expect(Array.from(flat)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
