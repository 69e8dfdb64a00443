import { readFileSync } from 'node:fs';
import {
  BBOX_XFORM_CLIP,
  type BoxCoderWeights,
  decodeBoxes,
  encodeBoxes,
  packBoxes,
  ROI_HEADS_BOX_WEIGHTS,
  RPN_BOX_WEIGHTS,
} from '@ocellus/vision/boxes';
import { describe, expect, it } from 'vitest';

/** Written by fixtures/boxes.py from torchvision 0.14's BoxCoder (float64, 12 digits kept). */
interface CoderFixture {
  proposals: number[];
  gt: number[];
  /** Two groups of four deltas per proposal; some hit the clamp. */
  deltas: number[];
  weights: Record<
    'rpn' | 'heads',
    { weights: number[]; encoded: number[]; decoded: number[]; decodedClamp1: number[] }
  >;
}
const { coder } = JSON.parse(readFileSync(new URL('../fixtures/boxes.json', import.meta.url), 'utf8')) as {
  coder: CoderFixture;
};

/** Largest |a - e| / max(|e|, floor) over the elements. */
function maxError(actual: ArrayLike<number>, expected: readonly number[], floor: number): number {
  expect(actual.length).toBe(expected.length);
  return expected.reduce(
    (worst, e, i) => Math.max(worst, Math.abs(actual[i]! - e) / Math.max(Math.abs(e), floor)),
    0,
  );
}

const weightSets = [
  { name: 'rpn', weights: RPN_BOX_WEIGHTS },
  { name: 'heads', weights: ROI_HEADS_BOX_WEIGHTS },
] as const;

describe('box coder weights', () => {
  it('are torchvision RPN (1, 1, 1, 1) and RoI heads (10, 10, 5, 5), clamp log(1000 / 16)', () => {
    expect(RPN_BOX_WEIGHTS).toEqual(coder.weights.rpn.weights);
    expect(ROI_HEADS_BOX_WEIGHTS).toEqual(coder.weights.heads.weights);
    expect(BBOX_XFORM_CLIP).toBeCloseTo(4.135166556742356, 15);
  });
});

describe.each(weightSets)('box coder against torchvision BoxCoder, $name weights', ({ name, weights }) => {
  const expected = coder.weights[name];
  const proposals = Float64Array.from(coder.proposals);

  it('encodes the ground truth against the proposals', () => {
    const encoded = encodeBoxes(Float64Array.from(coder.gt), proposals, weights);
    expect(encoded).toBeInstanceOf(Float64Array);
    expect(maxError(encoded, expected.encoded, 1e-8)).toBeLessThan(1e-10);
  });

  it('decodes two delta groups per proposal, clamping dw and dh at log(1000 / 16)', () => {
    expect(
      maxError(decodeBoxes(Float64Array.from(coder.deltas), proposals, weights), expected.decoded, 1e-8),
    ).toBeLessThan(1e-10);
  });

  it('decodes with a custom clamp', () => {
    const decoded = decodeBoxes(Float64Array.from(coder.deltas), proposals, weights, 1);
    expect(maxError(decoded, expected.decodedClamp1, 1e-8)).toBeLessThan(1e-10);
  });

  it('decodes float32 deltas and proposals to float32 within 1e-6 of the 100 px scale of the boxes', () => {
    const decoded = decodeBoxes(Float32Array.from(coder.deltas), Float32Array.from(coder.proposals), weights);
    expect(decoded).toBeInstanceOf(Float32Array);
    // A corner is centre - half width, so float32 error is relative to the box scale, not the corner.
    expect(maxError(decoded, expected.decoded, 100)).toBeLessThan(1e-6);
  });

  it('round-trips: decoding the encoded ground truth gives it back', () => {
    const gt = Float64Array.from(coder.gt);
    const decoded = decodeBoxes(encodeBoxes(gt, proposals, weights), proposals, weights);
    expect(maxError(decoded, coder.gt, 1)).toBeLessThan(1e-12);
  });
});

describe('encodeBoxes', () => {
  it('follows dx = wx (gx - px) / pw, dw = ww log(gw / pw) with widths x2 - x1 (no +1)', () => {
    const proposal = packBoxes([[0, 0, 10, 20]]);
    const gt = packBoxes([[5, 5, 25, 45]]);
    expect(Array.from(encodeBoxes(gt, proposal, RPN_BOX_WEIGHTS))).toEqual([1, 0.75, Math.LN2, Math.LN2]);
    const heads = Array.from(encodeBoxes(gt, proposal, ROI_HEADS_BOX_WEIGHTS));
    expect(heads.slice(0, 2)).toEqual([10, 7.5]);
    expect(heads[2]).toBeCloseTo(5 * Math.LN2, 14);
    expect(heads[3]).toBeCloseTo(5 * Math.LN2, 14);
  });

  it('encodes a box against itself as zeros', () => {
    const box = packBoxes([[3.5, -2, 17, 9.25]]);
    expect(Array.from(encodeBoxes(box, box, ROI_HEADS_BOX_WEIGHTS))).toEqual([0, 0, 0, 0]);
  });

  it('rejects reference boxes and proposals of different counts', () => {
    expect(() => encodeBoxes(new Float64Array(8), new Float64Array(4), RPN_BOX_WEIGHTS)).toThrow(RangeError);
  });
});

describe('decodeBoxes', () => {
  const anchor = packBoxes([[0, 0, 16, 16]]);

  it('clamps dw and dh after dividing by their weights, so a huge delta gives a 1000 px box', () => {
    const huge = Float64Array.of(0, 0, 100, 100);
    for (const weights of [RPN_BOX_WEIGHTS, ROI_HEADS_BOX_WEIGHTS]) {
      const [x1, y1, x2, y2] = decodeBoxes(huge, anchor, weights);
      expect(x2! - x1!).toBeCloseTo(1000, 9);
      expect(y2! - y1!).toBeCloseTo(1000, 9);
      expect((x1! + x2!) / 2).toBeCloseTo(8, 9);
    }
  });

  it('divides by the weights before the clamp: dw 20 is clamped for the RPN but not for the heads', () => {
    const deltas = Float64Array.of(10, 0, 20, 0);
    const [rx1, , rx2] = decodeBoxes(deltas, anchor, RPN_BOX_WEIGHTS);
    const [hx1, , hx2] = decodeBoxes(deltas, anchor, ROI_HEADS_BOX_WEIGHTS);
    expect(rx2! - rx1!).toBeCloseTo(1000, 9);
    expect(hx2! - hx1!).toBeCloseTo(16 * Math.exp(4), 9);
    expect((hx1! + hx2!) / 2).toBeCloseTo(8 + 16, 12);
  });

  it('does not clamp negative dw: the box shrinks towards its centre', () => {
    expect(Array.from(decodeBoxes(Float64Array.of(0, 0, -1000, -1000), anchor, RPN_BOX_WEIGHTS))).toEqual([
      8, 8, 8, 8,
    ]);
  });

  it('decodes each group of four deltas against its own proposal', () => {
    const proposals = packBoxes([
      [0, 0, 10, 10],
      [100, 100, 110, 120],
    ]);
    const deltas = Float64Array.of(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0, 0);
    expect(Array.from(decodeBoxes(deltas, proposals, RPN_BOX_WEIGHTS))).toEqual([
      0, 0, 10, 10, 10, 0, 20, 10, 100, 100, 110, 120, 100, 110, 110, 130,
    ]);
  });

  it('returns nothing for no proposals and rejects deltas that do not split into groups of four a proposal', () => {
    expect(decodeBoxes(new Float32Array(0), new Float32Array(0), RPN_BOX_WEIGHTS).length).toBe(0);
    const weights: BoxCoderWeights = [1, 1, 1, 1];
    expect(() => decodeBoxes(new Float64Array(6), anchor, weights)).toThrow(RangeError);
    expect(() => decodeBoxes(new Float64Array(4), new Float64Array(0), weights)).toThrow(RangeError);
  });
});
