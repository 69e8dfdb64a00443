import { Tensor } from '@ocellus/tensor';
import { maskIou } from '@ocellus/vision/metrics';
import { pasteMaskRle } from '@ocellus/vision/outputs';
import { decodeMask } from '@ocellus/vision/rle';
import { digitScenes } from '@ocellus/vision/scenes';
import { describe, expect, it } from 'vitest';
import { maskLoss, maskTargets } from '../src/detect/mask-rcnn/mask-targets.js';
import type { RoiSample } from '../src/detect/region/roi-heads.js';

const SIDE = 16;

/** The left half of rows 4-11, columns 4-11 is inked. */
function halfSquare(): Uint8Array {
  const mask = new Uint8Array(SIDE * SIDE);
  for (let y = 4; y < 12; y++) mask.fill(1, y * SIDE + 4, y * SIDE + 8);
  return mask;
}

describe('mask targets and loss', () => {
  it('cuts each positive RoI’s own object mask out over the RoI’s box', () => {
    const objects = [
      [{ index: 0, box: [4, 4, 12, 12] as [number, number, number, number], mask: halfSquare() }],
    ];
    const sample: RoiSample = {
      boxes: Float32Array.from([0, 0, 16, 16, 4, 4, 12, 12]),
      imageOf: Int32Array.from([0, 0]),
      labels: Int32Array.from([0, 1]),
      matched: Int32Array.from([-1, 0]),
      targets: new Float32Array(8),
    };
    const targets = maskTargets(sample, [1], objects, { height: SIDE, width: SIDE }, 4);
    expect(targets.shape).toEqual([1, 1, 4, 4]);
    // Over the square's box the left two of four columns are ink, the right two blank: aligned samples
    // fall on pixel centres, so no cell reads part ink.
    expect(Array.from(targets.values())).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]);
  });

  it('gives targets a perfect head pastes back onto the strokes of real scene digits', () => {
    const scenes = digitScenes({ split: 'test', count: 20, seed: 3 });
    const { height, width } = scenes.set;
    for (const sceneObjects of scenes.objects) {
      for (const object of sceneObjects) {
        const mask = decodeMask(object.mask);
        const sample: RoiSample = {
          boxes: Float32Array.from(object.box),
          imageOf: Int32Array.from([0]),
          labels: Int32Array.from([object.index + 1]),
          matched: Int32Array.from([0]),
          targets: new Float32Array(4),
        };
        const objects = [[{ index: object.index, box: object.box, mask }]];
        const target = maskTargets(sample, [0], objects, { height, width }, 28);
        const pasted = decodeMask(
          pasteMaskRle({ height: 28, width: 28, data: target.values() }, object.box, 0.5, height, width),
        );
        expect(maskIou(pasted, mask)).toBeGreaterThan(0.95);
      }
    }
  });

  it('charges only each RoI’s own class channel', () => {
    const logits = new Float32Array(2 * 3 * 4);
    const targets = new Tensor(Float32Array.from([1, 1, 0, 0, 0, 0, 1, 1]), [2, 1, 2, 2]);
    const at = (l: Float32Array) => maskLoss(new Tensor(l, [2, 3, 2, 2]), targets, [1, 2]).item();
    expect(at(logits)).toBeCloseTo(Math.log(2), 6);
    // Another class's channel changes nothing; the own channel does.
    logits[0] = 9;
    expect(at(logits)).toBeCloseTo(Math.log(2), 6);
    logits[4] = 50;
    expect(at(logits)).toBeCloseTo((7 * Math.log(2)) / 8, 4);
  });
});
