import { boxAp, type CocoImage, cocoEvaluate } from '@ocellus/vision/metrics';
import { describe, expect, it } from 'vitest';

type Box = [number, number, number, number];

/** Regions as ids with a table of IoUs, to pin the matching down without geometry. */
function tableIou(table: Record<string, number>) {
  return (detection: string, truth: string) => table[`${detection}:${truth}`] ?? 0;
}
const sameId = (detection: string, truth: string) => (detection === truth ? 1 : 0);

describe('cocoEvaluate on one image with a duplicate and a miss', () => {
  // G2 is found only by D3, whose IoU is exactly 0.6: it matches at 0.50, 0.55 and 0.60 (at or above).
  const image: CocoImage<Box> = {
    groundTruth: [
      { label: 0, region: [0, 0, 10, 10] },
      { label: 0, region: [20, 0, 30, 10] },
    ],
    detections: [
      { label: 0, score: 0.7, region: [20, 0, 30, 6] },
      { label: 0, score: 0.9, region: [0, 0, 10, 10] },
      { label: 0, score: 0.8, region: [0, 0, 10, 10] },
    ],
  };
  const r = boxAp([image]);

  it('gives AP50 (51 + 50 * 2/3) / 101: precision 1, 1/2, 2/3 made monotone to 1, 2/3, 2/3', () => {
    expect(r.ap50).toBeCloseTo((51 + (50 * 2) / 3) / 101, 12);
  });

  it('gives AP75 51/101: one of two found, precision 1 up to recall 0.5 and 0 past it', () => {
    expect(r.ap75).toBeCloseTo(51 / 101, 12);
  });

  it('averages three thresholds at AP50 and seven at AP75 to 61/101, and recall to 0.65', () => {
    expect(r.ap).toBeCloseTo(61 / 101, 12);
    expect(r.ar100).toBeCloseTo((3 * 1 + 7 * 0.5) / 10, 12);
    expect(r.perClass).toEqual([{ label: 0, ap: r.ap, ap50: r.ap50, ap75: r.ap75, ar100: r.ar100 }]);
  });
});

describe('cocoEvaluate interpolation', () => {
  it('gives the 101-point AP of a hand-drawn curve: TP FP TP FP TP FP against 4 ground truths', () => {
    // rc .25 .25 .5 .5 .75 .75, pr 1 1/2 2/3 1/2 3/5 1/2 -> monotone 1 2/3 2/3 3/5 3/5 1/2.
    // Recall 0..0.25 (26 points) -> 1, 0.26..0.5 (25) -> 2/3, 0.51..0.75 (25) -> 3/5, 0.76..1 (25) -> 0.
    const image: CocoImage<string> = {
      groundTruth: ['a', 'b', 'c', 'd'].map((region) => ({ label: 0, region })),
      detections: ['a', 'x', 'b', 'y', 'c', 'z'].map((region, i) => ({
        label: 0,
        score: 1 - i / 10,
        region,
      })),
    };
    const r = cocoEvaluate([image], sameId);
    const expected = (26 + (25 * 2) / 3 + (25 * 3) / 5) / 101;
    expect(r.ap).toBeCloseTo(expected, 12);
    expect(r.ap50).toBeCloseTo(expected, 12);
    expect(r.ar100).toBeCloseTo(0.75, 12);
  });

  it('keeps equal scores in input order, within an image and across images', () => {
    // FP then TP at recall 1: precision 1/2 everywhere. TP first would give AP 1.
    const fpFirst: CocoImage<string> = {
      groundTruth: [{ label: 0, region: 'a' }],
      detections: [
        { label: 0, score: 0.5, region: 'x' },
        { label: 0, score: 0.5, region: 'a' },
      ],
    };
    expect(cocoEvaluate([fpFirst], sameId).ap).toBeCloseTo(0.5, 12);
    const tpFirst = { ...fpFirst, detections: [...fpFirst.detections].reverse() };
    expect(cocoEvaluate([tpFirst], sameId).ap).toBeCloseTo(1, 12);

    const miss: CocoImage<string> = { groundTruth: [], detections: [{ label: 0, score: 0.5, region: 'x' }] };
    const hit: CocoImage<string> = {
      groundTruth: [{ label: 0, region: 'a' }],
      detections: [{ label: 0, score: 0.5, region: 'a' }],
    };
    expect(cocoEvaluate([miss, hit], sameId).ap).toBeCloseTo(0.5, 12);
    expect(cocoEvaluate([hit, miss], sameId).ap).toBeCloseTo(1, 12);
  });
});

describe('cocoEvaluate matching', () => {
  const truths = [
    { label: 0, region: 'A' },
    { label: 0, region: 'B' },
  ];
  const detections = [
    { label: 0, score: 0.9, region: 'd1' },
    { label: 0, score: 0.8, region: 'd2' },
  ];

  it('matches a detection to the unmatched ground truth of highest IoU, not the first', () => {
    // d1 takes B (0.9), leaving A for d2 up to 0.60; from 0.65 to 0.90 d2 misses; at 0.95 both miss.
    const iou = tableIou({ 'd1:A': 0.6, 'd1:B': 0.9, 'd2:A': 0.6 });
    const r = cocoEvaluate([{ groundTruth: truths, detections }], iou);
    expect(r.ap).toBeCloseTo((3 * 1 + 6 * (51 / 101) + 0) / 10, 12);
  });

  it('on equal IoU gives the later ground truth, as cocoeval updates the match on >=', () => {
    // d1 ties A and B at 0.7 and takes B, so d2 can still take A.
    const iou = tableIou({ 'd1:A': 0.7, 'd1:B': 0.7, 'd2:A': 0.7 });
    expect(cocoEvaluate([{ groundTruth: truths, detections }], iou).ap50).toBeCloseTo(1, 12);
  });

  it('keeps only the maxDetections highest-scoring detections per image and class', () => {
    const image: CocoImage<string> = {
      groundTruth: [{ label: 0, region: 'a' }],
      detections: [
        { label: 0, score: 0.9, region: 'x' },
        { label: 0, score: 0.1, region: 'a' },
      ],
    };
    expect(cocoEvaluate([image], sameId).ar100).toBe(1);
    expect(cocoEvaluate([image], sameId, { maxDetections: 1 }).ar100).toBe(0);
    expect(() => cocoEvaluate([image], sameId, { maxDetections: 0 })).toThrow(/maxDetections/);
  });
});

describe('cocoEvaluate classes', () => {
  const found: CocoImage<string> = {
    groundTruth: [
      { label: 3, region: 'a' },
      { label: 1, region: 'b' },
    ],
    detections: [{ label: 3, score: 0.9, region: 'a' }],
  };

  it('scores a class with ground truth but no detections 0 and averages it in', () => {
    const r = cocoEvaluate([found], sameId);
    expect(r.perClass.map((c) => [c.label, c.ap, c.ar100])).toEqual([
      [1, 0, 0],
      [3, expect.closeTo(1, 12), 1],
    ]);
    expect(r.ap).toBeCloseTo(0.5, 12);
  });

  it('skips a class present only in detections, whose false positives touch no other class', () => {
    const withStray = {
      ...found,
      detections: [...found.detections, { label: 7, score: 0.99, region: 'a' }],
    };
    const r = cocoEvaluate([withStray], sameId);
    expect(r.perClass.map((c) => c.label)).toEqual([1, 3]);
    expect(r).toEqual(cocoEvaluate([found], sameId));
  });

  it('is NaN when no class has ground truth, and ignores an iscrowd flag', () => {
    expect(
      cocoEvaluate([{ groundTruth: [], detections: [{ label: 0, score: 1, region: 'a' }] }], sameId).ap,
    ).toBeNaN();
    const crowd = { label: 0, region: 'a', iscrowd: 1 };
    expect(cocoEvaluate([{ groundTruth: [crowd], detections: [] }], sameId).ap).toBe(0);
  });

  it('refuses a NaN score', () => {
    const bad = { groundTruth: [], detections: [{ label: 0, score: Number.NaN, region: 'a' }] };
    expect(() => cocoEvaluate([bad], sameId)).toThrow(/NaN score/);
  });
});
