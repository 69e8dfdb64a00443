import { defaultJobSpecSchema } from '@ocellus/contracts';
import { Captioner, FasterRcnn, type TrainingData } from '@ocellus/models';
import { describe, expect, it } from 'vitest';
import { maskedScenes, SQUARE_TRUNK, scenes } from './square-scenes.js';

const fasterSpec = defaultJobSpecSchema.parse({
  task: 'detect',
  model: 'squares-faster',
  architecture: {
    type: 'faster-rcnn',
    ...SQUARE_TRUNK,
  },
  dataset: { name: 'digit-scenes' },
  optimizer: { type: 'adam', lr: 0.003 },
  schedule: { epochs: 2, batchSize: 8 },
  seed: 3,
});

const captionSpec = (freeze: string[], changes: Record<string, unknown> = {}) =>
  defaultJobSpecSchema.parse({
    task: 'caption',
    model: 'squares-captioner',
    architecture: {
      type: 'captioner',
      layers: [{ filters: 4, kernel: 3 }],
      wordvecDim: 8,
      hiddenDim: 16,
      maxLength: 3,
    },
    dataset: { name: 'digit-scenes' },
    transferFrom: { model: 'squares-faster', freeze },
    optimizer: { type: 'adam', lr: 0.01 },
    schedule: { epochs: 6, batchSize: 8, clipNorm: 5 },
    seed: 3,
    ...changes,
  });

/** The square scenes captioned by their squares' classes, left to right. */
function captionedSquares(count: number, seed: number): TrainingData<'caption'> {
  const masked = maskedScenes(count, seed);
  return {
    ...masked,
    task: 'caption',
    labels: ['filled', 'outline', '<start>', '<end>', '<pad>'],
    targets: (indices) =>
      masked.targets(indices).map(({ objects }) => ({
        tokens: Int32Array.from([...objects].sort((a, b) => a.box[0] - b.box[0]).map((o) => o.index)),
      })),
  };
}

/** The tensors of an artifact under `.backbone.` (any prefix before it), by their name after it. */
const backboneOf = (tensors: Record<string, { values(): ArrayLike<number> }>) =>
  Object.fromEntries(
    Object.entries(tensors)
      .filter(([name]) => name.includes('backbone.'))
      .map(([name, tensor]) => [name.slice(name.indexOf('backbone.')), Array.from(tensor.values())]),
  );

/** The tensors of an artifact under `.head.`, by name. */
const headOf = (tensors: Record<string, { values(): ArrayLike<number> }>) =>
  Object.fromEntries(
    Object.entries(tensors)
      .filter(([name]) => name.includes('encoder.head.'))
      .map(([name, tensor]) => [name, Array.from(tensor.values())]),
  );

describe('a captioner started from a trained Faster R-CNN', () => {
  let trained: FasterRcnn | null = null;
  /** One detector fitted on 120 square scenes, shared by the tests that start from it. */
  async function fittedDetector(): Promise<FasterRcnn> {
    if (!trained) {
      trained = FasterRcnn.create(fasterSpec, scenes(120, 5));
      await trained.fit(scenes(120, 5), fasterSpec, {});
    }
    return trained;
  }

  it("takes the detector's backbone as its encoder: frozen, it stays exactly the detector's while the decoder learns", async () => {
    const faster = await fittedDetector();
    const data = captionedSquares(120, 6);
    const spec = captionSpec(['backbone']);
    const model = faster.transfer(spec, data);
    expect(model).toBeInstanceOf(Captioner);
    const losses: number[] = [];
    await model.fit(data, spec, { onProgress: (p) => void losses.push(p.metrics.loss!) });
    expect(losses.at(-1)!).toBeLessThan(0.6 * losses[0]!);

    const detector = backboneOf(faster.toArtifact().tensors);
    const encoder = backboneOf(model.toArtifact().tensors);
    expect(Object.keys(detector).length).toBeGreaterThan(0);
    expect(encoder).toEqual(detector);
    // The spec's own one-layer stack gave way to the detector's two layers.
    expect((model as Captioner).architecture.layers).toEqual(faster.architecture.layers);
  }, 180_000);

  it("trains an encoderHead after the frozen backbone: the head's weights move, the backbone stays the detector's", async () => {
    const faster = await fittedDetector();
    const data = captionedSquares(60, 9);
    const headSpec = (freeze: string[]) => {
      const base = captionSpec(freeze, { schedule: { epochs: 2, batchSize: 8, clipNorm: 5 } });
      const architecture = { ...base.architecture, encoderHead: [{ filters: 6, kernel: 3, pool: 1 }] };
      return defaultJobSpecSchema.parse({ ...base, architecture });
    };
    const trainedHead = headSpec(['backbone']);
    const model = faster.transfer(trainedHead, data);
    await model.fit(data, trainedHead, {});
    // Same seed, so the same initial head; frozen, it keeps it.
    const frozenHead = headSpec(['backbone', 'encoder.head']);
    const fixed = faster.transfer(frozenHead, data);
    await fixed.fit(data, frozenHead, {});

    const head = headOf(model.toArtifact().tensors);
    const initial = headOf(fixed.toArtifact().tensors);
    expect(Object.keys(head)).toContain('net.encoder.head.0.weight');
    expect(head['net.encoder.head.0.weight']).not.toEqual(initial['net.encoder.head.0.weight']);
    expect(backboneOf(model.toArtifact().tensors)).toEqual(backboneOf(faster.toArtifact().tensors));
  }, 180_000);

  it('refuses an encoder the backbone does not fit, and another architecture type', async () => {
    const faster = FasterRcnn.create(fasterSpec, scenes(24, 7));
    await faster.fit(scenes(24, 7), { ...fasterSpec, schedule: { ...fasterSpec.schedule, epochs: 1 } }, {});
    const data = captionedSquares(24, 8);
    // Dropout adds a layer to each conv block, so the stack's layer names differ from the detector's.
    const dropout = captionSpec([], { regularization: { dropout: 0.2 } });
    await expect(faster.transfer(dropout, data).fit(data, dropout, {})).rejects.toThrow(
      /squares-faster's conv stack is not this captioner's encoder/,
    );
    const fast = defaultJobSpecSchema.parse({ ...fasterSpec, architecture: { type: 'fast-rcnn' } });
    expect(() => faster.transfer(fast, data)).toThrow(/or a 'captioner' .*not a 'fast-rcnn'/);
  }, 60_000);
});
