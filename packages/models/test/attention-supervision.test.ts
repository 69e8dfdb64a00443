import { defaultJobSpecSchema } from '@ocellus/contracts';
import { Captioner } from '@ocellus/models';
import { gradCheck, Rng, rand, softmax, Tensor } from '@ocellus/tensor';
import { gatherBatch } from '@ocellus/vision/datasets';
import { describe, expect, it } from 'vitest';
import {
  attentionSupervisionLoss,
  attentionTargets,
  type CellGrid,
  cellShares,
} from '../src/caption/attention-supervision.js';
import { SIDE, shapeScenes, tinySpec } from './captioner-scenes.js';

const grid: CellGrid = { rows: 4, cols: 4, width: 32, height: 32 };

describe('cellShares', () => {
  it("gives each cell the share of the box's area it covers, summing to 1", () => {
    expect(Array.from(cellShares([8, 8, 16, 16], grid)!)).toEqual([
      0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    // 12 px wide over columns 0 (8 px) and 1 (4 px), 8 px high over rows 1 (4 px) and 2 (4 px).
    const shares = cellShares([0, 12, 12, 20], grid)!;
    expect(shares[4]).toBeCloseTo(1 / 3, 6);
    expect(shares[5]).toBeCloseTo(1 / 6, 6);
    expect(shares[8]).toBeCloseTo(1 / 3, 6);
    expect(shares[9]).toBeCloseTo(1 / 6, 6);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('counts only the part of a box on the image, and is null for a box off it', () => {
    expect(Array.from(cellShares([28, -8, 40, 4], grid)!).indexOf(1)).toBe(3);
    expect(cellShares([40, 40, 48, 48], grid)).toBeNull();
  });
});

describe('attentionTargets', () => {
  it('asks each word step to attend to its box and leaves <end>, padding and boxes off the image alone', () => {
    const { targets, supervised } = attentionTargets(
      [
        [
          [0, 0, 8, 8],
          [24, 24, 32, 32],
        ],
        [[40, 40, 48, 48]],
      ],
      3,
      grid,
    );
    expect(targets.shape).toEqual([2, 3, 16]);
    expect(supervised).toBe(2);
    const q = targets.values();
    const row = (n: number, t: number) => Array.from(q.subarray((n * 3 + t) * 16, (n * 3 + t + 1) * 16));
    expect(row(0, 0)[0]).toBe(1);
    expect(row(0, 1)[15]).toBe(1);
    for (const [n, t] of [
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ] as const) {
      expect(row(n, t).every((v) => v === 0)).toBe(true);
    }
  });

  it('refuses more regions than the caption has words', () => {
    expect(() => attentionTargets([[[0, 0, 8, 8]]], 1, grid)).toThrow(/1 regions for 0 words/);
  });
});

describe('attentionSupervisionLoss', () => {
  it('is the cross-entropy of the attention against the targets, averaged over the supervised steps', () => {
    const alpha = softmax(rand([2, 3, 16], new Rng(1)), -1);
    const { targets, supervised } = attentionTargets([[[0, 0, 12, 8]], [[8, 8, 16, 16]]], 3, grid);
    const a = alpha.values();
    const q = targets.values();
    let expected = 0;
    for (let i = 0; i < q.length; i++) if (q[i]! > 0) expected -= q[i]! * Math.log(a[i]! + 1e-8);
    expect(attentionSupervisionLoss(alpha, targets, supervised).item()).toBeCloseTo(expected / 2, 5);
  });

  it('has the central-difference gradient in float64', () => {
    const { targets, supervised } = attentionTargets([[[0, 0, 12, 8]], [[4, 20, 30, 31]]], 2, grid);
    const q = new Tensor(Float64Array.from(targets.values()), targets.shape);
    const logits = rand([2, 2, 16], new Rng(2), { dtype: 'float64', requiresGrad: true });
    const result = gradCheck((x) => attentionSupervisionLoss(softmax(x, -1), q, supervised), [logits]);
    expect(result.checked).toBe(64);
    expect(result.maxRelError).toBeLessThan(1e-6);
  });
});

/** Mean share of each predicted word's attention that falls inside the box of the true word at its place. */
function attentionInsideBoxes(model: Captioner, data: ReturnType<typeof shapeScenes>): number {
  const indices = Int32Array.from({ length: data.set.size }, (_, i) => i);
  const outputs = model.predict(gatherBatch(data.set, indices).inputs, { attention: true });
  const cellSide = SIDE / 8;
  let inside = 0;
  let words = 0;
  outputs.forEach((output, i) => {
    const regions = data.targets(Int32Array.of(i))[0]!.regions!;
    regions.forEach((box, t) => {
      const weights = output.attention!.weights[t];
      if (!weights) return;
      for (let cell = 0; cell < weights.length; cell++) {
        const [x, y] = [((cell % 8) + 0.5) * cellSide, (Math.floor(cell / 8) + 0.5) * cellSide];
        if (x >= box[0] && x < box[2] && y >= box[1] && y < box[3]) inside += weights[cell]!;
      }
      words++;
    });
  });
  return inside / words;
}

describe('a captioner trained with attentionSupervision', () => {
  it('logs the supervision loss and attends inside each word’s box far more than without it', async () => {
    const data = shapeScenes(20, 4, { min: 2, max: 3 });
    const train = async (attentionSupervision: number) => {
      const spec = tinySpec(
        { cell: 'lstm', attention: true, attentionPenalty: 0, attentionSupervision },
        { schedule: { epochs: 15, batchSize: 5, clipNorm: 5 } },
      );
      const model = Captioner.create(spec, data);
      const logged = new Set<string>();
      await model.fit(data, spec, {
        onProgress: (p) => {
          for (const name of Object.keys(p.metrics)) logged.add(name);
        },
      });
      return { model, logged };
    };
    const plain = await train(0);
    const supervised = await train(1);
    expect(supervised.logged.has('loss_attentionTarget')).toBe(true);
    expect(plain.logged.has('loss_attentionTarget')).toBe(false);
    const [without, withIt] = [
      attentionInsideBoxes(plain.model, data),
      attentionInsideBoxes(supervised.model, data),
    ];
    // Cells are counted by their centre, so a box's partly covered cells count as outside: 0.05 and 0.5 here.
    expect(withIt).toBeGreaterThan(0.4);
    expect(withIt).toBeGreaterThan(without + 0.3);
  });

  it.each([
    ['attentionSupervision', { attentionSupervision: 1 }],
    ['cellSupervision', { cellSupervision: 1 }],
    ['glimpse', { glimpse: { size: 8, layers: [{ filters: 2 }], features: 4 } }],
  ])(
    'fails before training on a dataset that does not say where its words lie (%s)',
    async (_name, option) => {
      const data = shapeScenes(10, 1);
      const bare = {
        ...data,
        targets: (indices: Int32Array) => data.targets(indices).map((t) => ({ tokens: t.tokens })),
      };
      const spec = tinySpec({ attention: true, ...option });
      await expect(Captioner.create(spec, bare).fit(bare, spec, {})).rejects.toThrow(
        /box of every caption word/,
      );
    },
  );

  it('is refused by the spec without attention', () => {
    const parsed = defaultJobSpecSchema.safeParse({
      task: 'caption',
      model: 'shapes',
      architecture: { type: 'captioner', layers: [{ filters: 4, kernel: 3 }], attentionSupervision: 1 },
      dataset: { name: 'digit-scenes' },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toMatch(/needs attention: true/);
  });
});
