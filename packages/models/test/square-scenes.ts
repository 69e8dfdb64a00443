import type { Box } from '@ocellus/contracts';
import type { TaskOutputs, TrainingData } from '@ocellus/models';
import { Rng } from '@ocellus/tensor';
import { boxIou } from '@ocellus/vision/boxes';
import { encodeMask, type Rle } from '@ocellus/vision/rle';

export const SIDE = 48;

/** A Faster R-CNN trunk small enough to train on these scenes in seconds (the detector tests share it). */
export const SQUARE_TRUNK = {
  layers: [
    { filters: 8, kernel: 3, pool: 2 },
    { filters: 16, kernel: 3, pool: 2 },
  ],
  fc: [32],
  anchors: { sizes: [12, 16], ratios: [1] },
  rpn: {
    channels: 16,
    batchSizePerImage: 32,
    preNmsTopN: { train: 100, test: 50 },
    postNmsTopN: { train: 30, test: 20 },
  },
  roiAlign: { output: 4 },
  roiHeads: { batchSizePerImage: 16 },
  lambda: 1,
};

/**
 * 48x48 scenes of one or two squares, filled (class 0) or outlined (class 1), 10-16 px, apart; each
 * object's mask is its ink.
 */
export function maskedScenes(count: number, seed: number): TrainingData<'segment'> {
  const rng = new Rng(seed);
  const images = new Float32Array(count * SIDE * SIDE);
  const objects: { index: number; box: Box; mask: Rle }[][] = [];
  for (let i = 0; i < count; i++) {
    const own: { index: number; box: Box; mask: Rle }[] = [];
    const wanted = rng.uniform() < 0.5 ? 1 : 2;
    for (let k = 0; k < wanted; k++) {
      const size = 10 + Math.floor(rng.uniform() * 7);
      const x0 = k * 24 + Math.floor(rng.uniform() * (24 - size));
      const y0 = Math.floor(rng.uniform() * (SIDE - size));
      const index = rng.uniform() < 0.5 ? 0 : 1;
      const mask = new Uint8Array(SIDE * SIDE);
      for (let y = y0; y < y0 + size; y++) {
        for (let x = x0; x < x0 + size; x++) {
          const edge = y - y0 < 2 || x - x0 < 2 || y0 + size - y <= 2 || x0 + size - x <= 2;
          if (index === 0 || edge) {
            images[i * SIDE * SIDE + y * SIDE + x] = 1;
            mask[y * SIDE + x] = 1;
          }
        }
      }
      own.push({ index, box: [x0, y0, x0 + size, y0 + size], mask: encodeMask(mask, SIDE, SIDE) });
    }
    objects.push(own);
  }
  const all = Int32Array.from({ length: count }, (_, i) => i);
  return {
    task: 'segment',
    set: { images, labels: new Int32Array(count), size: count, channels: 1, height: SIDE, width: SIDE },
    train: all.subarray(0, count - 30),
    validation: all.subarray(count - 30),
    labels: ['filled', 'outline'],
    targets: (indices) => Array.from(indices, (i) => ({ objects: objects[i]! })),
    imageFormat: 'digit-scene',
  };
}

/** The same scenes for detection: the objects without their masks. */
export function scenes(count: number, seed: number): TrainingData<'detect'> {
  const masked = maskedScenes(count, seed);
  return {
    ...masked,
    task: 'detect',
    targets: (indices) =>
      masked.targets(indices).map((t) => ({ objects: t.objects.map(({ index, box }) => ({ index, box })) })),
  };
}

/** The share of the objects found by a detection of their class at IoU >= 0.5. */
export function recallAt50(
  outputs: readonly TaskOutputs['detect'][],
  truth: readonly { objects: readonly { index: number; box: Box }[] }[],
): number {
  let found = 0;
  let total = 0;
  outputs.forEach(({ detections }, i) => {
    for (const object of truth[i]!.objects) {
      total++;
      if (detections.some((d) => d.index === object.index && boxIou(d.box, object.box) >= 0.5)) found++;
    }
  });
  return found / total;
}
