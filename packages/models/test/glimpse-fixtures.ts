import { captionerSchema } from '@ocellus/contracts';
import { Rng } from '@ocellus/tensor';
import { gatherBatch } from '@ocellus/vision/datasets';
import type { CellGrid } from '../src/caption/attention-supervision.js';
import { CaptionerNet } from '../src/caption/captioner-net.js';
import { CaptionVocabulary } from '../src/caption/vocabulary.js';
import { SHAPE_VOCABULARY, shapeScenes, tinySpec } from './captioner-scenes.js';

export const data = shapeScenes(24, 5, { min: 2, max: 3 });
/** A tiny glimpse captioner's spec for `shapeScenes`, `glimpse` over its glimpse's options. */
export const glimpseSpec = (epochs: number, glimpse: Record<string, unknown> = {}) =>
  tinySpec(
    {
      cell: 'lstm',
      attention: true,
      attentionPenalty: 0,
      attentionSupervision: 1,
      glimpse: { size: 8, context: 1.25, layers: [{ filters: 4 }], features: 8, ...glimpse },
    },
    { schedule: { epochs, batchSize: 6, clipNorm: 5 } },
  );

export const vocabulary = new CaptionVocabulary(SHAPE_VOCABULARY);

/** An untrained 32x32 captioner network of `glimpseSpec(1, glimpse)`'s architecture, without a glimpse for null. */
export function tinyNet(glimpse: Record<string, unknown> | null = {}) {
  const { architecture } = glimpseSpec(1, glimpse ?? {});
  const arch = captionerSchema.parse(glimpse ? architecture : { ...architecture, glimpse: undefined });
  const shape = { inputShape: [1, 32, 32], classes: vocabulary.size, dropout: 0, init: 'he' as const };
  return new CaptionerNet(arch, shape, new Rng(3)).train();
}

/** The first `n` scenes: images, captions, word boxes, and the supervision that asks for those boxes on `grid`. */
export function firstScenes(n: number, grid: CellGrid) {
  const indices = Int32Array.from({ length: n }, (_, i) => i);
  const batch = data.targets(indices);
  const captions = batch.map((t) => t.tokens);
  const regions = batch.map((t) => t.regions!);
  return {
    images: gatherBatch(data.set, indices).inputs,
    captions,
    regions,
    supervision: { weight: 1, captions, regions, grid },
  };
}
