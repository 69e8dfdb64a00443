import type { Box } from '@ocellus/contracts';
import { Rng, Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { boxAt } from '../src/detect/region/flat-boxes.js';
import {
  type BoxHeadOutput,
  detectionsOf,
  roiBatch,
  roiLosses,
  roiTensor,
  sampleRois,
} from '../src/detect/region/roi-heads.js';
import { proposalsOf, RpnHead } from '../src/detect/region/rpn.js';

const settings = {
  fgIou: 0.5,
  bgIou: 0.5,
  batchSizePerImage: 8,
  positiveFraction: 0.25,
  boxWeights: [10, 10, 5, 5] as const,
  scoreThreshold: 0.05,
  nmsIou: 0.5,
  detectionsPerImage: 10,
};

describe('the RPN head', () => {
  it('lays its outputs out cell by cell, then anchor by anchor, as the anchors are', () => {
    const head = new RpnHead(2, 3, 2, { init: 'he', rng: new Rng(1) });
    head.cls.weight.values().fill(0);
    head.bbox.weight.values().fill(0);
    head.cls.bias!.values().set([0, 1]);
    head.bbox.bias!.values().set([0, 1, 2, 3, 10, 11, 12, 13]);
    const out = head.forward(new Tensor(new Float32Array(2 * 2 * 3 * 4), [2, 2, 3, 4]));
    expect(out.objectness.shape).toEqual([2, 24]);
    expect(out.deltas.shape).toEqual([2, 24, 4]);
    const objectness = out.objectness.values();
    const deltas = out.deltas.values();
    for (let i = 0; i < 48; i++) {
      expect(objectness[i]).toBe(i % 2);
      expect(Array.from(deltas.subarray(4 * i, 4 * i + 4))).toEqual(i % 2 ? [10, 11, 12, 13] : [0, 1, 2, 3]);
    }
  });

  it('proposes the best-scored anchors, clipped, without the ones NMS suppresses', () => {
    const anchors = Float32Array.from([0, 0, 10, 10, 1, 0, 11, 10, 30, 30, 50, 50, -5, 40, 5, 60]);
    const objectness = new Tensor(Float32Array.from([0.9, 0.8, 0.5, 0.7]), [1, 4]);
    const deltas = new Tensor(new Float32Array(16), [1, 4, 4]);
    const [proposals] = proposalsOf(
      { objectness, deltas },
      anchors,
      { height: 48, width: 48 },
      {
        preNms: 4,
        postNms: 10,
        nmsIou: 0.7,
      },
    );
    // Anchor 1 overlaps anchor 0 at IoU 9/11; anchors 3 and 2 are clipped to the 48x48 input.
    expect(Array.from(proposals!)).toEqual([0, 0, 10, 10, 0, 40, 5, 48, 30, 30, 48, 48]);
    const [top] = proposalsOf(
      { objectness, deltas },
      anchors,
      { height: 48, width: 48 },
      {
        preNms: 2,
        postNms: 10,
        nmsIou: 0.7,
      },
    );
    expect(Array.from(top!)).toEqual([0, 0, 10, 10]);
  });
});

describe('the RoI heads', () => {
  const objects = [[{ index: 3, box: [10, 10, 30, 30] as Box }], [{ index: 0, box: [0, 0, 8, 8] as Box }]];
  const proposals = [
    Float32Array.from([10, 10, 30, 32, 60, 60, 70, 70, 40, 0, 50, 10]),
    Float32Array.from([20, 20, 30, 30]),
  ];

  it('samples among the proposals and the objects themselves, with classes + 1 and deltas to the object', () => {
    const sample = sampleRois(proposals, objects, settings, new Rng(2));
    const rows = Array.from(sample.labels, (label, i) => ({
      label,
      image: sample.imageOf[i],
      box: boxAt(sample.boxes, i),
      target: Array.from(sample.targets.subarray(4 * i, 4 * i + 4)),
    }));
    // 8 per image at 25% positive: 2 positives at most, here image 0's near box and its own box.
    const positives = rows.filter((r) => r.label > 0);
    expect(positives.map((r) => [r.image, r.label])).toEqual([
      [0, 4],
      [0, 4],
      [1, 1],
    ]);
    const own = positives.find((r) => r.box.join() === '10,10,30,30' && r.image === 0)!;
    expect(own.target).toEqual([0, 0, 0, 0]);
    const near = positives.find((r) => r.box.join() === '10,10,30,32')!;
    expect(near.target[1]).toBeCloseTo((10 * (20 - 21)) / 22, 5);
    expect(near.target[3]).toBeCloseTo(5 * Math.log(20 / 22), 5);
    for (const r of rows.filter((row) => row.label === 0)) expect(r.target).toEqual([0, 0, 0, 0]);
    expect(rows.filter((r) => r.image === 1 && r.label === 0)).toHaveLength(1);
    const tensor = roiTensor(sample).values();
    expect(Array.from(tensor.subarray(0, 5))).toEqual([rows[0]!.image, ...rows[0]!.box]);
  });

  it('charges the box loss only on each positive RoI’s own class', () => {
    const sample = sampleRois(proposals, objects, settings, new Rng(2));
    const r = sample.labels.length;
    const deltas = new Float32Array(r * 4 * 5).fill(7);
    sample.labels.forEach((label, i) => {
      if (label > 0) deltas.set(sample.targets.subarray(4 * i, 4 * i + 4), i * 20 + 4 * label);
    });
    const logits = new Tensor(new Float32Array(r * 5), [r, 5]);
    const exact = roiLosses({ logits, deltas: new Tensor(deltas, [r, 20]) }, sample, 1 / 9);
    expect(exact.box.item()).toBe(0);
    expect(exact.cls.item()).toBeCloseTo(Math.log(5), 5);
    const firstPositive = sample.labels.findIndex((label) => label > 0);
    const column = firstPositive * 20 + 4 * sample.labels[firstPositive]!;
    deltas[column] = deltas[column]! + 1;
    const off = roiLosses({ logits, deltas: new Tensor(deltas, [r, 20]) }, sample, 1 / 9);
    expect(off.box.item()).toBeCloseTo((1 - 0.5 / 9) / r, 5);
  });

  it('keeps each class’s boxes above the score threshold, one per object after NMS, in input pixels', () => {
    const rois = roiBatch([
      Float32Array.from([10, 10, 30, 30, 11, 10, 31, 30, 50, 50, 60, 60]),
      new Float32Array(0),
    ]);
    // Three classes plus background: RoIs 0 and 1 are class 1 (0-based), RoI 2 is background.
    const logits = new Tensor(Float32Array.from([0, 0, 5, 0, 0, 0, 4, 0, 9, 0, 0, 0]), [3, 4]);
    const deltas = new Tensor(new Float32Array(3 * 16), [3, 16]);
    const out: BoxHeadOutput = { logits, deltas };
    const [first, second] = detectionsOf(out, rois, 2, { height: 64, width: 64 }, settings);
    expect(second).toEqual([]);
    expect(first!.map((d) => d.index)).toEqual([1]);
    expect(first![0]!.box).toEqual([10, 10, 30, 30]);
    expect(first![0]!.score).toBeCloseTo(Math.exp(5) / (Math.exp(5) + 3), 5);
  });

  it('drops a box inside a better one of its class only when told (containment)', () => {
    // RoI 1 (the top half of RoI 0, IoU 0.5) passes NMS at 0.7; containment 0.8 drops it.
    const rois = roiBatch([Float32Array.from([10, 10, 30, 50, 10, 10, 30, 30])]);
    const logits = new Tensor(Float32Array.from([0, 0, 6, 0, 0, 0, 4, 0]), [2, 4]);
    const out: BoxHeadOutput = { logits, deltas: new Tensor(new Float32Array(2 * 16), [2, 16]) };
    const image = { height: 64, width: 64 };
    const loose = { ...settings, nmsIou: 0.7 };
    expect(detectionsOf(out, rois, 1, image, loose)[0]!.map((d) => d.box)).toEqual([
      [10, 10, 30, 50],
      [10, 10, 30, 30],
    ]);
    const contained = detectionsOf(out, rois, 1, image, { ...loose, containment: 0.8 })[0]!;
    expect(contained.map((d) => d.box)).toEqual([[10, 10, 30, 50]]);
  });
});
