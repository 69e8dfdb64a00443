import { type Box, defaultJobSpecSchema, type JobSpecInput } from '@ocellus/contracts';
import type { TrainingData } from '@ocellus/models';
import { Rng } from '@ocellus/tensor';

export const SIDE = 32;
/** Three shapes as words, then the special tokens a captioner needs. */
export const SHAPE_VOCABULARY = ['filled', 'bar', 'ring', '<start>', '<end>', '<pad>'] as const;

/** Draws shape `word` (0 filled square, 1 vertical bar, 2 hollow square) of side 8 at (x0, y0). */
function draw(image: Float32Array, word: number, x0: number, y0: number): void {
  for (let y = y0; y < y0 + 8; y++) {
    for (let x = x0; x < x0 + 8; x++) {
      const edge = y === y0 || x === x0 || y === y0 + 7 || x === x0 + 7;
      const on = word === 0 || (word === 1 && x - x0 >= 3 && x - x0 <= 4) || (word === 2 && edge);
      if (on) image[y * SIDE + x] = 1;
    }
  }
}

/**
 * 32x32 black canvases of `min..max` shapes, each in its own third of the width at a random height;
 * the caption is the shapes' words left to right, and each word's region its shape's 8x8 box.
 */
export function shapeScenes(
  count: number,
  seed: number,
  words = { min: 1, max: 3 },
): TrainingData<'caption'> {
  const rng = new Rng(seed);
  const images = new Float32Array(count * SIDE * SIDE);
  const captions: Int32Array[] = [];
  const regions: Box[][] = [];
  for (let i = 0; i < count; i++) {
    const boxes: Box[] = [];
    const k = rng.int(words.min, words.max + 1);
    const slots = [0, 1, 2];
    while (slots.length > k) slots.splice(rng.int(0, slots.length), 1);
    const caption = slots.map((slot) => {
      const word = rng.int(0, 3);
      const x0 = slot * 11 + rng.int(0, 3);
      const y0 = rng.int(0, SIDE - 7);
      draw(images.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), word, x0, y0);
      boxes.push([x0, y0, x0 + 8, y0 + 8]);
      return word;
    });
    captions.push(Int32Array.from(caption));
    regions.push(boxes);
  }
  const all = Int32Array.from({ length: count }, (_, i) => i);
  const held = Math.max(1, Math.floor(count / 5));
  return {
    task: 'caption',
    set: { images, labels: new Int32Array(count), size: count, channels: 1, height: SIDE, width: SIDE },
    train: all.subarray(0, count - held),
    validation: all.subarray(count - held),
    labels: [...SHAPE_VOCABULARY],
    targets: (indices) => Array.from(indices, (i) => ({ tokens: captions[i]!, regions: regions[i]! })),
    imageFormat: 'digit-scene',
  };
}

/** A captioner spec small enough to train on `shapeScenes` in seconds: an 8x8 grid of 16 + 2 channels. */
export const tinySpec = (architecture: Record<string, unknown>, overrides: Partial<JobSpecInput> = {}) =>
  defaultJobSpecSchema.parse({
    task: 'caption',
    model: 'shapes',
    architecture: {
      type: 'captioner',
      layers: [
        { filters: 8, kernel: 3, pool: 2 },
        { filters: 16, kernel: 3, pool: 2 },
      ],
      wordvecDim: 16,
      hiddenDim: 32,
      maxLength: 4,
      ...architecture,
    },
    dataset: { name: 'digit-scenes' },
    optimizer: { type: 'adam', lr: 0.01 },
    schedule: { epochs: 40, batchSize: 5, clipNorm: 5 },
    seed: 3,
    ...overrides,
  });
