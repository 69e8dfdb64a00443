import type { Box } from '@ocellus/contracts';
import { type ScoringContext, scorers } from '@ocellus/models';
import { encodeMask } from '@ocellus/vision/rle';
import { describe, expect, it } from 'vitest';

const digits = Array.from({ length: 10 }, (_, i) => String(i));
const context: ScoringContext = { labels: digits, height: 8, width: 8 };

/** Scores with their maximum at `index`. */
function peak(index: number, classes = 10): Float32Array {
  const scores = new Float32Array(classes).fill(0.01);
  scores[index] = 0.9;
  return scores;
}

function filled(box: Box, height = 8, width = 8): Uint8Array {
  const mask = new Uint8Array(height * width);
  for (let y = box[1]; y < box[3]; y++) for (let x = box[0]; x < box[2]; x++) mask[y * width + x] = 1;
  return mask;
}

describe('task scorers', () => {
  it('classify: accuracy and the confusion matrix from the top score', () => {
    const result = scorers.classify([{ scores: peak(1) }, { scores: peak(2) }], [1, 3], context);
    expect(result.metrics).toEqual({ testAccuracy: 0.5 });
    const confusion = result.details.confusionMatrix as number[][];
    expect(confusion[1]?.[1]).toBe(1);
    expect(confusion[3]?.[2]).toBe(1);
  });

  it('localize: class accuracy, mean IoU whatever the class, right class at IoU >= 0.5', () => {
    const result = scorers.localize(
      [
        { box: [0, 0, 10, 5], scores: peak(3) },
        { box: [10, 10, 20, 20], scores: peak(4) },
      ],
      [
        { index: 3, box: [0, 0, 10, 10] },
        { index: 5, box: [10, 10, 20, 20] },
      ],
      context,
    );
    expect(result.metrics.testAccuracy).toBe(0.5);
    expect(result.metrics.testMeanIou).toBeCloseTo(0.75, 12);
    expect(result.metrics.testCorrectAt50).toBe(0.5);
  });

  it('detect: COCO AP over ten IoU thresholds, a duplicate detection costing nothing after the true one', () => {
    const result = scorers.detect(
      [
        {
          detections: [
            { index: 0, score: 0.9, box: [0, 0, 10, 10] },
            { index: 0, score: 0.8, box: [0, 0, 10, 10] },
            { index: 1, score: 0.7, box: [20, 20, 30, 26.2] },
          ],
        },
      ],
      [
        {
          objects: [
            { index: 0, box: [0, 0, 10, 10] },
            { index: 1, box: [20, 20, 30, 30] },
          ],
        },
      ],
      context,
    );
    // Class 1's only detection has IoU 0.62: a match at 0.50, 0.55 and 0.60 only.
    expect(result.metrics.testAp50).toBeCloseTo(1, 12);
    expect(result.metrics.testAp).toBeCloseTo((1 + 0.3) / 2, 12);
    expect(result.metrics.testAp75).toBeCloseTo(0.5, 12);
    expect(result.metrics.testAr100).toBeCloseTo(0.65, 12);
    const [zero, one] = result.details.perClassAp as { label: string; ap: number }[];
    expect(zero?.label).toBe('0');
    expect(zero?.ap).toBeCloseTo(1, 12);
    expect(one?.ap).toBeCloseTo(0.3, 12);
  });

  it('segment: masks are pasted into the input and scored apart from their boxes', () => {
    const box: Box = [2, 2, 6, 6];
    const truth = [{ objects: [{ index: 2, box, mask: encodeMask(filled(box), 8, 8) }] }];
    const topHalf = { height: 2, width: 2, data: Float32Array.from([1, 1, 0, 0]) };
    const result = scorers.segment(
      [{ detections: [{ index: 2, score: 0.9, box, mask: topHalf }] }],
      truth,
      context,
    );
    // The box is exact; the mask covers the box's top half: mask IoU 0.5, a match at 0.50 only.
    expect(result.metrics.testAp).toBeCloseTo(1, 12);
    expect(result.metrics.testMaskAp50).toBeCloseTo(1, 12);
    expect(result.metrics.testMaskAp).toBeCloseTo(0.1, 12);
    expect(result.metrics.testMaskAp75).toBe(0);
  });

  it('segment: with sizes, each image’s masks are pasted at its own size', () => {
    const small: Box = [2, 2, 6, 6];
    const large: Box = [4, 2, 12, 10];
    const truth = [
      { objects: [{ index: 2, box: small, mask: encodeMask(filled(small), 8, 8) }] },
      { objects: [{ index: 3, box: large, mask: encodeMask(filled(large, 12, 16), 12, 16) }] },
    ];
    const full = { height: 2, width: 2, data: new Float32Array(4).fill(1) };
    const outputs = [
      { detections: [{ index: 2, score: 0.9, box: small, mask: full }] },
      { detections: [{ index: 3, score: 0.9, box: large, mask: full }] },
    ];
    const sizes = [
      { height: 8, width: 8 },
      { height: 12, width: 16 },
    ];
    expect(scorers.segment(outputs, truth, { ...context, sizes }).metrics.testMaskAp).toBeCloseTo(1, 12);
    // At the input size the second image's mask is cut off and its RLE is of another size.
    expect(() => scorers.segment(outputs, truth, context)).toThrow();
  });

  it('segment: a mask below the threshold pastes to nothing and matches no object', () => {
    const box: Box = [2, 2, 6, 6];
    const truth = [{ objects: [{ index: 2, box, mask: encodeMask(filled(box), 8, 8) }] }];
    const faint = { height: 2, width: 2, data: new Float32Array(4).fill(0.4) };
    const result = scorers.segment(
      [{ detections: [{ index: 2, score: 0.9, box, mask: faint }] }],
      truth,
      context,
    );
    expect(result.metrics.testMaskAp50).toBe(0);
    expect(result.metrics.testAp50).toBeCloseTo(1, 12);
  });

  it('caption: BLEU against the reference words and exact-sequence accuracy', () => {
    const labels = [...digits, '<start>', '<end>', '<pad>'];
    const result = scorers.caption(
      [
        { tokens: Int32Array.from([1, 2, 3]), logProb: -1 },
        { tokens: Int32Array.from([4, 5]), logProb: -2 },
      ],
      [{ tokens: Int32Array.from([1, 2, 3]) }, { tokens: Int32Array.from([4, 6]) }],
      { ...context, labels },
    );
    expect(result.metrics.testExactMatch).toBe(0.5);
    expect(result.details.exactByLength).toEqual([
      { words: 2, images: 1, exact: 0 },
      { words: 3, images: 1, exact: 1 },
    ]);
    expect(result.summary).toMatch(/2 words 0\.00% of 1, 3 words 100\.00% of 1/);
    // Four of five words match and the lengths agree (no brevity penalty).
    expect(result.metrics.testBleu1).toBeCloseTo(0.8, 12);
    expect(result.metrics.testBleu2).toBeCloseTo(Math.sqrt(0.8 * (2 / 3)), 12);
  });

  it('caption: every reference caption of an image counts when it has several', () => {
    const labels = [...digits, '<start>', '<end>', '<pad>'];
    const [first, second] = [Int32Array.from([4, 6]), Int32Array.from([4, 5])];
    const result = scorers.caption(
      [{ tokens: Int32Array.from([4, 5]), logProb: -1 }],
      [{ tokens: first, references: [first, second] }],
      { ...context, labels },
    );
    expect(result.metrics.testExactMatch).toBe(1);
    expect(result.metrics.testBleu1).toBeCloseTo(1, 12);
  });

  it('records no figure over an empty set instead of NaN', () => {
    const result = scorers.localize([], [], context);
    expect(result.metrics).toEqual({});
    expect(result.examples).toBe(0);
  });
});
