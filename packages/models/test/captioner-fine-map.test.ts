import { captionerSchema } from '@ocellus/contracts';
import { Linear } from '@ocellus/nn/layers';
import { mul, noGrad, Rng, rand, sum, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { beamCaptions, netDecoders } from '../src/caption/caption-decoding.js';
import { CaptionerNet } from '../src/caption/captioner-net.js';
import { greedyDecode } from '../src/caption/greedy-decode.js';
import { COORDINATE_CHANNELS, ImageEncoder } from '../src/caption/image-encoder.js';
import { CaptionVocabulary } from '../src/caption/vocabulary.js';
import { SHAPE_VOCABULARY } from './captioner-scenes.js';

const stack = {
  activation: 'relu' as const,
  init: 'he' as const,
  rng: new Rng(3),
  dropout: 0,
  convDropout: 0,
};
/** Two blocks over 16x16 images: an 8x8 map of 3 channels, then a 4x4 one of 5. */
const LAYERS = [
  { filters: 3, kernel: 3, pool: 2 },
  { filters: 5, kernel: 3, pool: 2 },
];

function encoder(fineMap: number | undefined, head = true) {
  const arch = captionerSchema.parse({
    type: 'captioner',
    attention: true,
    layers: LAYERS,
    ...(head ? { encoderHead: [{ filters: 4, kernel: 3, pool: 1 }] } : {}),
    fineMap,
  });
  return new ImageEncoder(arch, [1, 16, 16], { ...stack, rng: new Rng(3) }).eval();
}

/** Row-major `[N, C, H, W]` value at (n, c, y, x). */
const at = (t: Tensor, n: number, c: number, y: number, x: number) => {
  const [, channels, height, width] = t.shape as [number, number, number, number];
  return t.values()[((n * channels + c) * height + y) * width + x]!;
};

describe('captioner encoder with fineMap', () => {
  const images = rand([2, 1, 16, 16], new Rng(4));

  it("takes its cells at the fine block's map: that block's features, then the head's of the coarse cell under it, then the coordinates", () => {
    const fine = encoder(0);
    expect([fine.rows, fine.cols, fine.channels]).toEqual([8, 8, 3 + 4 + COORDINATE_CHANNELS]);
    const { cells, first, head } = noGrad(() => {
      const layers = fine.backbone.layers;
      let first = images;
      for (const layer of layers.slice(0, 4)) first = layer.forward(first);
      const head = fine.head!.forward(fine.backbone.forward(images));
      return { cells: fine.forward(images), first, head };
    });
    expect(first.shape).toEqual([2, 3, 8, 8]);
    expect(head.shape).toEqual([2, 4, 4, 4]);
    const values = cells.values();
    for (let n = 0; n < 2; n++) {
      for (let r = 0; r < 8; r++) {
        for (let q = 0; q < 8; q++) {
          const cell = values.subarray(((n * 8 + r) * 8 + q) * 9, ((n * 8 + r) * 8 + q + 1) * 9);
          for (let c = 0; c < 3; c++) expect(cell[c]).toBeCloseTo(at(first, n, c, r, q), 5);
          for (let c = 0; c < 4; c++) {
            expect(cell[3 + c]).toBeCloseTo(at(head, n, c, Math.floor(r / 2), Math.floor(q / 2)), 5);
          }
          expect([cell[7], cell[8]]).toEqual([
            expect.closeTo((2 * q + 1) / 8 - 1, 6),
            expect.closeTo((2 * r + 1) / 8 - 1, 6),
          ]);
        }
      }
    }
  });

  it('without a head reads the last block at the fine size; without fineMap keeps the coarse grid', () => {
    const bare = encoder(0, false);
    expect([bare.rows, bare.cols, bare.channels]).toEqual([8, 8, 3 + 5 + COORDINATE_CHANNELS]);
    expect(noGrad(() => bare.forward(images)).shape).toEqual([2, 64, 10]);
    const last = encoder(1);
    expect([last.rows, last.cols, last.channels]).toEqual([4, 4, 5 + 4 + COORDINATE_CHANNELS]);
    const coarse = encoder(undefined);
    expect([coarse.rows, coarse.cols, coarse.channels]).toEqual([4, 4, 4 + COORDINATE_CHANNELS]);
  });

  it('projects its cells part by part to the values and gradients of projecting each whole cell', () => {
    for (const fineMap of [0, undefined]) {
      const grid = encoder(fineMap);
      const projection = new Linear(grid.channels, 6, { rng: new Rng(5) });
      const upstream = rand([2, grid.cells, 6], new Rng(6), { low: -1, high: 1 });
      const run = (byParts: boolean) => {
        projection.zeroGrad();
        const encoded = grid.encode(images);
        const keys = byParts ? encoded.project(projection) : projection.forward(encoded.cells);
        sum(mul(keys, upstream)).backward();
        return {
          keys: Array.from(keys.values()),
          weight: Array.from(projection.weight.grad!.values()),
          bias: Array.from(projection.bias!.grad!.values()),
        };
      };
      const whole = run(false);
      const parts = run(true);
      expect(parts.keys).toEqual(whole.keys.map((v) => expect.closeTo(v, 5)));
      expect(parts.weight).toEqual(whole.weight.map((v) => expect.closeTo(v, 4)));
      expect(parts.bias).toEqual(whole.bias.map((v) => expect.closeTo(v, 4)));
    }
  });

  it('refuses a block the stack does not have, or a map that is not a whole multiple of the grid', () => {
    expect(() => encoder(2)).toThrow(/fineMap 2 is not a block of the 2-block stack/);
    const arch = captionerSchema.parse({
      type: 'captioner',
      layers: [
        { filters: 3, kernel: 3, pool: 1 },
        { filters: 5, kernel: 3, pool: 3 },
      ],
      fineMap: 0,
    });
    expect(() => new ImageEncoder(arch, [1, 16, 16], stack)).toThrow(
      /16x16 map is not a whole multiple of the 5x5 grid/,
    );
    expect(captionerSchema.safeParse({ type: 'captioner', fineMap: -1 }).success).toBe(false);
  });

  it('serves a captioner: attention attentionDim wide over the fine cells, greedy decoding a beam of one', () => {
    const vocabulary = new CaptionVocabulary(SHAPE_VOCABULARY);
    const arch = captionerSchema.parse({
      type: 'captioner',
      attention: true,
      layers: LAYERS,
      fineMap: 0,
      hiddenDim: 8,
      attentionDim: 5,
      wordvecDim: 4,
      maxLength: 3,
    });
    const shape = { inputShape: [1, 16, 16], classes: vocabulary.size, dropout: 0, init: 'he' as const };
    const net = new CaptionerNet(arch, shape, new Rng(8)).eval();
    expect(net.attention!.features.weight.shape).toEqual([5, 3 + 5 + COORDINATE_CHANNELS]);
    expect(net.attention!.hidden.weight.shape).toEqual([5, 8]);
    const { greedy, beam } = noGrad(() => {
      const decoders = netDecoders(net, net.encode(images), vocabulary);
      return {
        greedy: greedyDecode(decoders.all(), decoders.images, 3),
        beam: beamCaptions(decoders, { beam: 1, maxLength: 3 }),
      };
    });
    greedy.forEach((g, i) => {
      expect(beam[i]!.tokens).toEqual(g.tokens);
      for (const weights of g.attention) {
        expect(weights.length).toBe(64);
        expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    });
  });
});
