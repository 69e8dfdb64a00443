import { Adam } from '@ocellus/nn/optim';
import { noGrad, Rng, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { captionLosses } from '../src/caption/caption-losses.js';
import { refinePlaces } from '../src/caption/glimpse.js';
import { refineTargets } from '../src/caption/glimpse-targets.js';
import { teacherForced } from '../src/caption/teacher-forced.js';
import { firstScenes, tinyNet, vocabulary } from './glimpse-fixtures.js';

describe('refinePlaces', () => {
  it('moves each centre by dx, dy sides and scales the side by e^ds, each output clamped to +-1', () => {
    const places = Float32Array.of(10, 20, 8, 5, 5, 4);
    const moved = refinePlaces(places, [0.5, -0.25, Math.log(1.5), 3, -7, -9]);
    expect(Array.from(moved)).toEqual([14, 18, 12, 9, 1, 4 * Math.exp(-1)].map((v) => expect.closeTo(v, 5)));
  });
});

describe('refineTargets', () => {
  it("asks for the move that takes each word's first place onto its box, and nothing of <end>'s step", () => {
    // Two captions of one word, steps 2 each: rows 0 and 2 carry a word.
    const places = Float32Array.of(10, 10, 8, 0, 0, 1, 30, 20, 16, 0, 0, 1);
    const regions: [number, number, number, number][][] = [[[8, 4, 14, 16]], [[20, 18, 44, 26]]];
    const { targets, weights, supervised } = refineTargets(regions, 2, places);
    expect([Array.from(weights), supervised]).toEqual([[1, 0, 1, 0], 2]);
    const moved = refinePlaces(places, targets.values());
    // Box 0: centre (11, 10), longest side 12; box 1: centre (32, 22), side 24.
    expect(Array.from(moved.subarray(0, 3))).toEqual([11, 10, 12].map((v) => expect.closeTo(v, 5)));
    expect(Array.from(moved.subarray(6, 9))).toEqual([32, 22, 24].map((v) => expect.closeTo(v, 5)));
  });
});

describe('a glimpse that reads twice', () => {
  it('trains its refinement by the refine loss, which reaches the reader of the first read but not the box', () => {
    const net = tinyNet({ refine: true });
    const { images, captions, supervision } = firstScenes(6, net.grid);
    const gradients = (name: 'glimpseBox' | 'glimpseRefine') => {
      net.zeroGrad();
      const out = teacherForced(net, images, captions, vocabulary);
      const losses = captionLosses(out, vocabulary.pad, { penalty: 0, glimpse: supervision });
      expect(Object.keys(losses)).toEqual(['words', 'glimpseBox', 'glimpseRefine']);
      losses[name]!.backward();
      const norm = (p: { grad: Tensor | null }) => Math.hypot(...Array.from(p.grad?.values() ?? [0]));
      const glimpse = net.glimpse!;
      return {
        box: norm(glimpse.box.weight),
        refine: norm(glimpse.refine!.weight),
        reader: Math.max(...glimpse.reader.parameters().map(norm)),
      };
    };
    const box = gradients('glimpseBox');
    const refine = gradients('glimpseRefine');
    expect([box.box > 0, box.refine, box.reader]).toEqual([true, 0, 0]);
    expect([refine.box, refine.refine > 0, refine.reader > 0]).toEqual([0, true, true]);
    expect(tinyNet().glimpse!.refine).toBeNull();
  });

  it('learns from its loss alone to move squares read off their word boxes back towards them', () => {
    const net = tinyNet({ refine: true, features: 32, layers: [{ filters: 8 }] });
    const { images, captions, regions, supervision } = firstScenes(24, net.grid);
    const truth = (seed: number) => ({ regions, share: 1, jitter: 0.3, rng: new Rng(seed) });
    const optimizer = new Adam(net.parameters(), { lr: 0.01 });
    for (let step = 0; step < 150; step++) {
      net.zeroGrad();
      const out = teacherForced(net, images, captions, vocabulary, undefined, truth(step));
      captionLosses(out, vocabulary.pad, { penalty: 0, glimpse: supervision })['glimpseRefine']!.backward();
      optimizer.step();
    }
    net.eval();
    const out = noGrad(() => teacherForced(net, images, captions, vocabulary, undefined, truth(1000)));
    const { places, raw } = out.glimpse!.refined!;
    const steps = out.forcing.steps;
    const error = (at: Float32Array) => {
      const misses = regions.flatMap((boxes, n) =>
        boxes.map(([x1, y1, x2, y2], t) => {
          const row = (n * steps + t) * 3;
          return Math.hypot(at[row]! - (x1 + x2) / 2, at[row + 1]! - (y1 + y2) / 2);
        }),
      );
      return misses.reduce((a, b) => a + b, 0) / misses.length;
    };
    expect(error(refinePlaces(places, raw.values()))).toBeLessThan(error(places) / 2);
  });
});
