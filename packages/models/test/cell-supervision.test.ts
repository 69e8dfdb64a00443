import { type Box, captionerSchema, defaultJobSpecSchema } from '@ocellus/contracts';
import { Captioner } from '@ocellus/models';
import { argmax, gradCheck, noGrad, Rng, rand, slice, Tensor } from '@ocellus/tensor';
import { gatherBatch } from '@ocellus/vision/datasets';
import { describe, expect, it } from 'vitest';
import { withPrefix } from '../src/artifact.js';
import type { CellGrid } from '../src/caption/attention-supervision.js';
import { CaptionerNet } from '../src/caption/captioner-net.js';
import { AMBIGUOUS_CELL, cellSupervisionLoss, cellTargets } from '../src/caption/cell-supervision.js';
import { shapeScenes, tinySpec } from './captioner-scenes.js';

const grid: CellGrid = { rows: 4, cols: 4, width: 32, height: 32 };
const NONE = 9;

describe('cellTargets', () => {
  it("names each cell by the word whose box holds the cell's centre, none outside, ambiguous inside two", () => {
    // Cell centres lie at 4, 12, 20 and 28 px on both axes.
    const boxes: Box[] = [
      [0, 0, 16, 16],
      [10, 10, 26, 26],
    ];
    const { labels } = cellTargets(
      [Int32Array.of(1, 2), Int32Array.of(3)],
      [boxes, [[24, 24, 32, 32]]],
      grid,
      NONE,
    );
    const A = AMBIGUOUS_CELL;
    expect(Array.from(labels)).toEqual([
      ...[1, 1, NONE, NONE, 1, A, 2, NONE, NONE, 2, 2, NONE, NONE, NONE, NONE, NONE],
      ...[NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, 3],
    ]);
  });

  it('places the box centre from each cell one box holds, in cells, and nothing elsewhere', () => {
    const { places, placed } = cellTargets([Int32Array.of(4)], [[[2, 6, 18, 26]]], grid, NONE);
    // The box's centre is (10, 16); it holds the centres of columns 0-1 and rows 1-2.
    const expected = new Float32Array(32);
    const expectedPlaced = new Float32Array(32);
    for (const [r, c] of [
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 1],
    ] as const) {
      const cell = r * 4 + c;
      expected.set([(10 - (c * 8 + 4)) / 8, (16 - (r * 8 + 4)) / 8], cell * 2);
      expectedPlaced.set([1, 1], cell * 2);
    }
    expect(Array.from(places)).toEqual(Array.from(expected));
    expect(Array.from(placed)).toEqual(Array.from(expectedPlaced));
  });

  it('refuses a caption whose regions do not match its words', () => {
    expect(() => cellTargets([Int32Array.of(1, 2)], [[[0, 0, 8, 8]]], grid, NONE)).toThrow(
      /2 words and 1 regions/,
    );
  });
});

describe('cellSupervisionLoss', () => {
  it('is the cross-entropy over the labelled cells plus the smooth L1 of the placed cells, each a mean', () => {
    // Three cells of a 4-word vocabulary plus the two place channels.
    const readout = rand([1, 3, 6], new Rng(3));
    const v = readout.values();
    const targets = {
      labels: Int32Array.of(2, AMBIGUOUS_CELL, 0),
      places: Float32Array.of(0.5, -2, 0, 0, 0, 0),
      placed: Float32Array.of(1, 1, 0, 0, 0, 0),
    };
    const crossEntropy = (row: number, label: number) => {
      const scores = Array.from(v.subarray(row * 6, row * 6 + 4));
      return Math.log(scores.reduce((s, x) => s + Math.exp(x), 0)) - scores[label]!;
    };
    const smoothL1 = (d: number) => (Math.abs(d) < 1 ? 0.5 * d * d : Math.abs(d) - 0.5);
    const words = (crossEntropy(0, 2) + crossEntropy(2, 0)) / 2;
    const places = (smoothL1(v[4]! - 0.5) + smoothL1(v[5]! + 2)) / 2;
    expect(cellSupervisionLoss(readout, targets).item()).toBeCloseTo(words + places, 5);
    const unplaced = { ...targets, placed: new Float32Array(6) };
    expect(cellSupervisionLoss(readout, unplaced).item()).toBeCloseTo(words, 5);
  });
});

describe('cellSupervisionLoss gradient', () => {
  it('has the central-difference gradient in float64', () => {
    const readout = rand([2, 3, 6], new Rng(3), { dtype: 'float64' });
    const targets = {
      labels: Int32Array.of(2, AMBIGUOUS_CELL, 0, 3, 1, 1),
      places: Float32Array.of(0.5, -2, 0, 0, 0, 0, 0.1, 0.2, 3, 1, 0, 0),
      placed: Float32Array.of(1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0),
    };
    const result = gradCheck((x) => cellSupervisionLoss(x, targets), [readout]);
    expect(result.checked).toBe(36);
    expect(result.maxRelError).toBeLessThan(1e-6);
  });
});

describe('a captioner trained with cellSupervision', () => {
  it('logs the reading loss, and its stored reader names the shape under each labelled cell', async () => {
    const data = shapeScenes(20, 4, { min: 2, max: 3 });
    const spec = tinySpec(
      { cell: 'lstm', attention: true, attentionPenalty: 0, cellSupervision: 1 },
      { schedule: { epochs: 40, batchSize: 5, clipNorm: 5 } },
    );
    const model = Captioner.create(spec, data);
    const cellLosses: number[] = [];
    await model.fit(data, spec, {
      onProgress: (p) => {
        if (p.metrics.loss_cells !== undefined) cellLosses.push(p.metrics.loss_cells);
      },
    });
    expect(cellLosses.length).toBeGreaterThan(1);
    expect(cellLosses.at(-1)!).toBeLessThan(cellLosses[0]! / 3);

    const artifact = model.toArtifact();
    expect(Object.keys(artifact.tensors)).toContain('net.reader.weight');
    const { network: shape, ...arch } = artifact.architecture as ReturnType<typeof captionerSchema.parse> & {
      network: ConstructorParameters<typeof CaptionerNet>[1];
    };
    const net = new CaptionerNet(captionerSchema.parse(arch), shape, new Rng(0));
    net.loadStateDict(withPrefix(artifact.tensors, 'net'));
    net.eval();
    const indices = data.train;
    const targets = data.targets(indices);
    const { labels } = cellTargets(
      targets.map((t) => t.tokens),
      targets.map((t) => t.regions!),
      { rows: 8, cols: 8, width: 32, height: 32 },
      model.vocabulary.pad,
    );
    const logits = noGrad(() => net.encode(gatherBatch(data.set, indices).inputs)).readout!;
    const named = argmax(
      slice(new Tensor(logits.values() as Float32Array, [labels.length, logits.shape[2]!]), [null, [0, 6]]),
      1,
    );
    const words = Array.from(labels.keys()).filter(
      (i) => labels[i]! >= 0 && labels[i] !== model.vocabulary.pad,
    );
    const right = words.filter((i) => named.values()[i] === labels[i]).length;
    expect(words.length).toBeGreaterThan(100);
    // Three shapes: a third right by chance (0.82 here).
    expect(right / words.length).toBeGreaterThan(0.75);
  });

  it('adds no reader without it', () => {
    const arch = captionerSchema.parse({ type: 'captioner', layers: [{ filters: 4, kernel: 3, pool: 4 }] });
    const net = new CaptionerNet(
      arch,
      { inputShape: [1, 16, 16], classes: 6, dropout: 0, init: 'he' },
      new Rng(1),
    );
    expect(net.reader).toBeNull();
    expect(net.encode(rand([1, 1, 16, 16], new Rng(2))).readout).toBeNull();
  });
});

describe('orderAttention in a spec', () => {
  const parse = (architecture: Record<string, unknown>) =>
    defaultJobSpecSchema.safeParse({
      task: 'caption',
      model: 'shapes',
      architecture: {
        type: 'captioner',
        layers: [{ filters: 4, kernel: 3 }],
        orderAttention: true,
        ...architecture,
      },
      dataset: { name: 'digit-scenes' },
    });

  it('is taken with attention and cellSupervision', () => {
    expect(parse({ attention: true, cellSupervision: 1 }).success).toBe(true);
  });

  it('names everything it lacks: attention, the reader, and no coverage', () => {
    const parsed = parse({ coverage: true });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      [
        'architecture.orderAttention',
        'orderAttention needs attention: true, cellSupervision > 0, no coverage',
      ],
    ]);
  });
});
