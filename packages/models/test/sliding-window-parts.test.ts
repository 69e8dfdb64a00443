import { defaultJobSpecSchema } from '@ocellus/contracts';
import { Rng } from '@ocellus/tensor';
import { boxIou } from '@ocellus/vision/boxes';
import { describe, expect, it } from 'vitest';
import {
  decodeInWindow,
  encodeInWindow,
  framingWindow,
  labelWindow,
} from '../src/detect/sliding-window/framing.js';
import { sampleWindows } from '../src/detect/sliding-window/window-sampler.js';

const spec = defaultJobSpecSchema.parse({
  task: 'detect',
  model: 'm',
  architecture: { type: 'sliding-window' },
  dataset: { name: 'digit-scenes' },
});
if (spec.architecture.type !== 'sliding-window') throw new Error('expected a sliding-window spec');
const arch = spec.architecture;

describe('sliding-window windows', () => {
  it('frames a box in a centred square it fills to `fill` along its longer side', () => {
    expect(framingWindow([10, 20, 24, 40], 0.5)).toEqual({ x: -3, y: 10, side: 40 });
  });

  it('labels a window by the framing it overlaps most, background below the negative IoU', () => {
    const framings = [
      { x: 0, y: 0, side: 20 },
      { x: 40, y: 0, side: 20 },
    ];
    const rule = { positiveIou: 0.6, negativeIou: 0.4 };
    expect(labelWindow({ x: 41, y: 1, side: 20 }, framings, rule)).toEqual({ kind: 'object', object: 1 });
    expect(labelWindow({ x: 20, y: 0, side: 20 }, framings, rule)).toEqual({ kind: 'background' });
    // IoU 0.4998 with the first framing: neither an object's nor background under this rule.
    expect(labelWindow({ x: 0, y: 0, side: 14.14 }, framings, rule).kind).toBe('ignore');
  });

  it('decodes what it encodes, relative to any window', () => {
    const code = new Float32Array(4);
    encodeInWindow([12, 30, 26, 52], { x: 5, y: 20, side: 40 }, code, 0);
    const box = decodeInWindow(Array.from(code), { x: 5, y: 20, width: 40, height: 40 });
    box.forEach((v, i) => {
      expect(v).toBeCloseTo([12, 30, 26, 52][i]!, 4);
    });
  });

  it('samples object windows that frame their object and background windows that frame none', () => {
    const objects = [
      { box: [20, 20, 40, 46] as [number, number, number, number] },
      { box: [80, 70, 100, 90] as [number, number, number, number] },
    ];
    const framings = objects.map(({ box }) => framingWindow(box, arch.window.fill));
    const windows = sampleWindows(objects, { width: 128, height: 128 }, arch, new Rng(5), [
      { x: 1, y: 2, side: 30 },
    ]);
    const positives = windows.filter((w) => w.object >= 0);
    expect(positives.length).toBe(arch.sampling.positivesPerObject * objects.length);
    for (const { window, object } of positives) {
      const iou = boxIou(
        [window.x, window.y, window.x + window.side, window.y + window.side],
        [
          framings[object]!.x,
          framings[object]!.y,
          framings[object]!.x + framings[object]!.side,
          framings[object]!.y + framings[object]!.side,
        ],
      );
      expect(iou).toBeGreaterThanOrEqual(arch.sampling.positiveIou);
    }
    const negatives = windows.filter((w) => w.object < 0);
    expect(negatives.length).toBe(arch.sampling.negativesPerImage + 1);
    for (const { window } of negatives)
      expect(labelWindow(window, framings, arch.sampling).kind).toBe('background');
    expect(negatives.at(-1)!.window).toEqual({ x: 1, y: 2, side: 30 });
  });
});
