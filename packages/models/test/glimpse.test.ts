import { type Box, defaultJobSpecSchema } from '@ocellus/contracts';
import { Captioner } from '@ocellus/models';
import { gradCheck, noGrad, Rng, rand, roiAlign, Tensor } from '@ocellus/tensor';
import { boxIou } from '@ocellus/vision/boxes';
import { gatherBatch } from '@ocellus/vision/datasets';
import { describe, expect, it } from 'vitest';
import type { CellGrid } from '../src/caption/attention-supervision.js';
import { captionLosses } from '../src/caption/caption-losses.js';
import type { CaptionerNet } from '../src/caption/captioner-net.js';
import { glimpseAnchors, glimpsePlaces, jitterBox, placeSquares } from '../src/caption/glimpse.js';
import { glimpseBoxLoss, glimpseTargets } from '../src/caption/glimpse-targets.js';
import { teacherForced } from '../src/caption/teacher-forced.js';
import { data, firstScenes, glimpseSpec, tinyNet, vocabulary } from './glimpse-fixtures.js';

/** A 4x4 grid of 8-pixel cells over 32x32 pixels: the box unit is 4 pixels, a zero side output 8. */
const grid: CellGrid = { rows: 4, cols: 4, width: 32, height: 32 };

describe('glimpseAnchors', () => {
  it("is the attention's mean of the cell centres within two cells of its peak, per row", () => {
    // A 7x6 grid of 4-pixel cells over 24x28 pixels, the second row's peak on its bottom edge.
    const wide: CellGrid = { rows: 7, cols: 6, width: 24, height: 28 };
    const alpha = new Float32Array(2 * 42);
    alpha[8] = 1; // row 0: cell (1, 2), centre (10, 6)
    alpha[42 + 6 * 6 + 3] = 0.4; // row 1: the peak, cell (6, 3), centre (14, 26)...
    alpha[42 + 4 * 6 + 1] = 0.3; // ...(4, 1), two cells away, centre (6, 18)...
    alpha[42 + 0 * 6 + 0] = 0.3; // ...and (0, 0), beyond the window, left out
    const [x, y] = [(0.4 * 14 + 0.3 * 6) / 0.7, (0.4 * 26 + 0.3 * 18) / 0.7];
    expect(Array.from(glimpseAnchors(alpha, 2, wide))).toEqual(
      [10, 6, x, y].map((v) => expect.closeTo(v, 5)),
    );
  });
});

/** The squares a glimpse reads, as RoIAlign rows: `placeSquares` of `glimpsePlaces`. */
const glimpseSquares = (
  raw: ArrayLike<number>,
  anchors: Float32Array,
  on: CellGrid,
  context: number,
  image: (i: number) => number,
  truth?: readonly (Box | null)[],
) => placeSquares(glimpsePlaces(raw, anchors, on, truth), context, image);

describe('glimpsePlaces and placeSquares', () => {
  it('centres a square on the anchor moved by the offset in units, the side 2 units x exp(s) x context', () => {
    const anchors = Float32Array.of(12, 12, 20, 8);
    const squares = glimpseSquares([0, 0, 0, 1, -0.5, Math.log(2)], anchors, grid, 1.5, (i) => 7 + i);
    // Row 0: an 8-pixel side times 1.5 on (12, 12). Row 1: centre (24, 6), side 16 x 1.5.
    expect(Array.from(squares.values())).toEqual(
      [7, 6, 6, 18, 18, 8, 12, -6, 36, 18].map((v) => expect.closeTo(v, 5)),
    );
  });

  it('clamps the log side to +-2, so an untrained head asks for no huge or empty square', () => {
    const huge = glimpseSquares([0, 0, 50], Float32Array.of(16, 16), grid, 1, () => 0).values();
    const empty = glimpseSquares([0, 0, -50], Float32Array.of(16, 16), grid, 1, () => 0).values();
    expect(huge[3]! - huge[1]!).toBeCloseTo(8 * Math.exp(2), 4);
    expect(empty[3]! - empty[1]!).toBeCloseTo(8 * Math.exp(-2), 4);
  });

  it('centres a row that the truth gives a box on that box, its longest side times context, whatever the outputs', () => {
    const squares = glimpseSquares([5, 5, 1, 0, 0, 0], Float32Array.of(12, 12, 20, 8), grid, 1.5, () => 0, [
      [4, 6, 12, 18],
      null,
    ]).values();
    // Row 0: centre (8, 12), side 12 x 1.5. Row 1 keeps its anchor and a zero output's 8-pixel side.
    expect(Array.from(squares)).toEqual(
      [0, -1, 3, 17, 21, 0, 14, 2, 26, 14].map((v) => expect.closeTo(v, 5)),
    );
  });

  it("reads a square of side `size` at whole pixels as the image's pixels under it (aligned RoIAlign)", () => {
    const image = rand([2, 1, 13, 11], new Rng(2));
    // Anchor (5, 6) in image 1, side 2 units x exp(s) = 6 on a 13x11 image's unit of 11 / 8 pixels.
    const odd: CellGrid = { rows: 1, cols: 1, width: 11, height: 13 };
    const s = Math.log(6 / (2 * (11 / 8)));
    const squares = glimpseSquares([0, 0, s], Float32Array.of(5, 6), odd, 1, () => 1);
    const pixels = roiAlign(image, squares, { outputSize: 6, aligned: true }).values();
    const values = image.values();
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 6; x++) {
        expect(pixels[y * 6 + x]).toBeCloseTo(values[13 * 11 + (3 + y) * 11 + (2 + x)]!, 5);
      }
    }
  });
});

describe('jitterBox', () => {
  it('moves the centre by up to `amount` of the longest side and scales both sides by one factor within e^+-amount', () => {
    const box: [number, number, number, number] = [10, 20, 18, 40]; // centre (14, 30), 8 x 20
    const rng = new Rng(5);
    const drawn = Array.from({ length: 2000 }, () => jitterBox(box, 0.2, rng));
    const shifts = drawn.flatMap((b) => [(b[0] + b[2]) / 2 - 14, (b[1] + b[3]) / 2 - 30]);
    const scales = drawn.map((b) => [(b[2] - b[0]) / 8, (b[3] - b[1]) / 20]);
    expect(Math.max(...shifts.map(Math.abs))).toBeLessThanOrEqual(0.2 * 20 + 1e-9);
    expect(Math.max(...shifts.map(Math.abs))).toBeGreaterThan(0.19 * 20);
    expect(scales.every(([w, h]) => Math.abs(w! - h!) < 1e-9)).toBe(true);
    const logs = scales.map(([w]) => Math.log(w!));
    expect(Math.max(...logs.map(Math.abs))).toBeLessThanOrEqual(0.2 + 1e-9);
    expect(Math.min(...logs)).toBeLessThan(-0.19);
    expect(Math.max(...logs)).toBeGreaterThan(0.19);
    expect(jitterBox(box, 0.2, new Rng(5))).toEqual(drawn[0]);
    expect(jitterBox(box, 0, rng)).toEqual(box);
  });
});

describe('glimpseTargets', () => {
  it("asks each word's step for the outputs whose square is the word box's longest side, on its centre", () => {
    const anchors = Float32Array.of(10, 10, 3, 3, 20, 20, 0, 0);
    // Caption 0 has two words (steps 0, 1; step 2 would be <end>'s... here steps = 2 per caption).
    const regions = [[[4, 6, 12, 18]], [[16, 16, 30, 22]]] as const;
    const { targets, weights, supervised } = glimpseTargets(
      regions.map((r) => r.map((b) => [...b] as [number, number, number, number])),
      2,
      anchors,
      grid,
    );
    expect([Array.from(weights), supervised]).toEqual([[1, 0, 1, 0], 2]);
    const raw = targets.values();
    const squares = glimpseSquares(raw, anchors, grid, 1, () => 0).values();
    // Caption 0's word: centre (8, 12), longest side 12. Caption 1's: centre (23, 19), side 14.
    expect(Array.from(squares.subarray(1, 5))).toEqual([2, 6, 14, 18].map((v) => expect.closeTo(v, 4)));
    expect(Array.from(squares.subarray(11, 15))).toEqual([16, 12, 30, 26].map((v) => expect.closeTo(v, 4)));
    expect(Array.from(raw.subarray(3, 6))).toEqual([0, 0, 0]);
  });

  it('refuses a caption with more regions than its words', () => {
    expect(() =>
      glimpseTargets(
        [
          [
            [0, 0, 1, 1],
            [1, 1, 2, 2],
          ],
        ],
        2,
        new Float32Array(4),
        grid,
      ),
    ).toThrow(/2 regions for 1 words/);
  });
});

describe('glimpseBoxLoss', () => {
  const target = {
    targets: new Tensor(Float32Array.of(0.5, -1, 0.2, 9, 9, 9, 0, 0.1, -3), [3, 3]),
    weights: Float32Array.of(1, 0, 1),
    supervised: 2,
  };

  it('is the smooth L1 mean over the supervised steps’ outputs, and null when no step is', () => {
    const raw = new Tensor(Float32Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0), [3, 3]);
    const smooth = (d: number) => (Math.abs(d) < 1 ? 0.5 * d * d : Math.abs(d) - 0.5);
    const expected = [0.5, -1, 0.2, 0, 0.1, -3].reduce((s, d) => s + smooth(d), 0) / 6;
    expect(glimpseBoxLoss(raw, target)!.item()).toBeCloseTo(expected, 6);
    expect(glimpseBoxLoss(raw, { ...target, weights: new Float32Array(3), supervised: 0 })).toBeNull();
  });

  it('has the central-difference gradient in float64', () => {
    const raw = rand([3, 3], new Rng(4), { dtype: 'float64' });
    const f64 = { ...target, targets: new Tensor(Float64Array.from(target.targets.values()), [3, 3]) };
    const result = gradCheck((x) => glimpseBoxLoss(x, f64)!, [raw]);
    expect(result.checked).toBe(9);
    expect(result.maxRelError).toBeLessThan(1e-6);
  });
});

describe('a captioner with a glimpse', () => {
  it('trains the box by its own loss alone and the reader by the words alone: the square is placed out of the graph', () => {
    const net = tinyNet();
    const { images, captions, supervision } = firstScenes(6, net.grid);
    const gradients = (name: 'words' | 'glimpseBox') => {
      net.zeroGrad();
      const out = teacherForced(net, images, captions, vocabulary);
      const losses = captionLosses(out, vocabulary.pad, { penalty: 0, glimpse: supervision });
      expect(Object.keys(losses)).toEqual(['words', 'glimpseBox']);
      losses[name]!.backward();
      const norm = (p: { grad: Tensor | null }) => Math.hypot(...Array.from(p.grad?.values() ?? [0]));
      return {
        box: norm(net.glimpse!.box.weight),
        reader: Math.max(...net.glimpse!.reader.parameters().map(norm)),
      };
    };
    const words = gradients('words');
    const box = gradients('glimpseBox');
    expect(words.box).toBe(0);
    expect(words.reader).toBeGreaterThan(0);
    expect(box.box).toBeGreaterThan(0);
    expect(box.reader).toBe(0);
  });

  it('logs the box loss, learns it, and its squares come to lie on the word boxes', async () => {
    const spec = glimpseSpec(30);
    const model = Captioner.create(spec, data);
    const boxLoss: number[] = [];
    await model.fit(data, spec, {
      onProgress: (p) => {
        if (p.metrics['val_exact'] !== undefined) boxLoss.push(p.metrics['loss_glimpseBox']!);
      },
    });
    expect(boxLoss.at(-1)!).toBeLessThan(boxLoss[0]! / 3);
    const net = (model as unknown as { trained: { net: CaptionerNet } }).trained.net;
    const indices = Int32Array.from({ length: 24 }, (_, i) => i);
    const targets = data.targets(indices);
    const out = noGrad(() =>
      teacherForced(
        net,
        gatherBatch(data.set, indices).inputs,
        targets.map((t) => t.tokens),
        model.vocabulary,
      ),
    );
    const steps = out.forcing.steps;
    const squares = glimpseSquares(
      out.glimpse!.raw.values(),
      out.glimpse!.anchors,
      net.grid,
      1,
      () => 0,
    ).values();
    const ious = targets.flatMap((t, n) =>
      t.regions!.map((box, w) => {
        const row = (n * steps + w) * 5;
        return boxIou(box, [squares[row + 1]!, squares[row + 2]!, squares[row + 3]!, squares[row + 4]!]);
      }),
    );
    expect(ious.reduce((s, v) => s + v, 0) / ious.length).toBeGreaterThan(0.5);
  });

  it('reads its share of training words at their true boxes, seeded: the same spec twice gives the same weights', async () => {
    const weights = async (truthShare: number) => {
      const spec = glimpseSpec(1, { truthShare });
      const model = Captioner.create(spec, data);
      await model.fit(data, spec, {});
      return Object.values(model.toArtifact().tensors).map((t) => Array.from(t.values()));
    };
    const [never, half, again] = [await weights(0), await weights(0.5), await weights(0.5)];
    expect(half).not.toEqual(never);
    expect(again).toEqual(half);
  });

  it('reads a true box moved by `jitter` when it has one, the same rows as without', () => {
    const net = tinyNet();
    net.eval(); // batch statistics would carry the moved squares into every row
    const { images, captions, regions } = firstScenes(6, net.grid);
    const named = (jitter: number) =>
      teacherForced(net, images, captions, vocabulary, undefined, {
        regions,
        share: 1,
        jitter,
        rng: new Rng(9),
      }).glimpse!.named!;
    const [still, moved] = [named(0), named(0.3)];
    expect(Array.from(moved.truthRows)).toEqual(Array.from(still.truthRows));
    const [a, b] = [still.scores.values(), moved.scores.values()];
    const v = vocabulary.size;
    still.truthRows.forEach((read, row) => {
      const differs = Array.from(a.subarray(row * v, (row + 1) * v)).some(
        (x, c) => Math.abs(x - b[row * v + c]!) > 1e-6,
      );
      expect(differs).toBe(read === 1);
    });
  });

  it("trains the namer on the words read at their true boxes only: truthShare's draw marks those steps", () => {
    const net = tinyNet();
    const { images, captions, regions } = firstScenes(6, net.grid);
    const forced = (share: number) =>
      teacherForced(net, images, captions, vocabulary, undefined, {
        regions,
        share,
        jitter: 0,
        rng: new Rng(9),
      });
    const all = forced(1);
    const { steps, targets } = all.forcing;
    const words = Array.from(targets, (_, row): number =>
      row % steps < regions[Math.floor(row / steps)]!.length ? 1 : 0,
    );
    expect(Array.from(all.glimpse!.named!.truthRows)).toEqual(words);
    const half = forced(0.5).glimpse!.named!.truthRows;
    const drawn = half.reduce((a, b) => a + b, 0);
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThan(words.reduce((a, b) => a + b, 0));
    expect(Array.from(half).every((r, row) => r <= words[row]!)).toBe(true);
    const losses = captionLosses(all, vocabulary.pad, { penalty: 0, glimpseNames: 2 });
    const scores = all.glimpse!.named!.scores.values();
    const v = vocabulary.size;
    let total = 0;
    words.forEach((read, row) => {
      if (!read) return;
      const logits = Array.from(scores.subarray(row * v, (row + 1) * v));
      const top = Math.max(...logits);
      const logSum = top + Math.log(logits.reduce((s, x) => s + Math.exp(x - top), 0));
      total += logSum - logits[targets[row]!]!;
    });
    const count = words.reduce((a, b) => a + b, 0);
    expect(losses['glimpseName']!.item()).toBeCloseTo((2 * total) / count, 5);
    expect(forced(0).glimpse!.named!.truthRows.every((r) => r === 0)).toBe(true);
    expect(Object.keys(captionLosses(forced(0), vocabulary.pad, { penalty: 0, glimpseNames: 2 }))).toEqual([
      'words',
    ]);
  });

  it('adds no glimpse, and no box loss, without it', () => {
    const net = tinyNet(null);
    expect(net.glimpse).toBeNull();
    const { images, captions, supervision } = firstScenes(2, net.grid);
    const out = teacherForced(net, images, captions, vocabulary);
    expect(out.glimpse).toBeNull();
    expect(Object.keys(captionLosses(out, vocabulary.pad, { penalty: 0, glimpse: supervision }))).toEqual([
      'words',
    ]);
  });

  it('is refused by the spec without attention', () => {
    const parsed = defaultJobSpecSchema.safeParse({
      task: 'caption',
      model: 'shapes',
      architecture: { type: 'captioner', layers: [{ filters: 4, kernel: 3 }], glimpse: {} },
      dataset: { name: 'digit-scenes' },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toMatch(/glimpse .* needs attention: true/);
  });
});
