import { boxAp, type CocoImage, maskAp } from '@ocellus/vision/metrics';
import { encodeMask } from '@ocellus/vision/rle';
import { describe, expect, it } from 'vitest';

type Box = [number, number, number, number];
const SIZE = 48;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Integer boxes in a 48x48 image: jittered hits, duplicates, misses, wrong labels, tied scores. */
function randomScene(seed: number, images: number): CocoImage<Box>[] {
  const random = lcg(seed);
  const int = (n: number) => Math.floor(random() * n);
  const clamp = (v: number) => Math.max(0, Math.min(SIZE, v));
  const randomBox = (): Box => {
    const x = int(SIZE - 8);
    const y = int(SIZE - 8);
    return [x, y, x + 4 + int(SIZE - x - 4), y + 4 + int(SIZE - y - 4)];
  };
  const jitter = (b: Box): Box => {
    const out = b.map((v) => clamp(v + int(7) - 3)) as Box;
    return out[2] > out[0] && out[3] > out[1] ? out : b;
  };
  const score = () => Math.round(random() * 10) / 10;
  return Array.from({ length: images }, () => {
    const groundTruth = Array.from({ length: int(5) }, () => ({ label: int(3), region: randomBox() }));
    const detections: CocoImage<Box>['detections'][number][] = [];
    for (const g of groundTruth) {
      if (random() < 0.75)
        detections.push({
          label: random() < 0.85 ? g.label : int(3),
          score: score(),
          region: jitter(g.region),
        });
      if (random() < 0.25) detections.push({ label: g.label, score: score(), region: jitter(g.region) });
    }
    for (let k = int(3); k > 0; k--) detections.push({ label: int(4), score: score(), region: randomBox() });
    return { groundTruth, detections };
  });
}

function filledMask([x1, y1, x2, y2]: Box) {
  const pixels = new Uint8Array(SIZE * SIZE);
  for (let y = y1; y < y2; y++) pixels.fill(1, y * SIZE + x1, y * SIZE + x2);
  return encodeMask(pixels, SIZE, SIZE);
}

describe('boxAp and maskAp on a random scene', () => {
  const scene = randomScene(2024, 12);

  // pycocotools cocoeval.py (cocodataset/cocoapi master) on these scenes, its C bbox IoU replaced by
  // the same formula in Python, categories 0-3: stats[0], [1], [2], [8] and per-category AP.
  it.each([
    [
      2024,
      12,
      [0.14488252396668239, 0.4898174341243648, 0.07187385405207188, 0.3194444444444444],
      [0.13353960396039605, 0.15436115040075432, 0.14674681753889673],
    ],
    [
      7,
      40,
      [0.08079033258459001, 0.29780403216312057, 0.02352122054310694, 0.2280041797283177],
      [0.07517410312459817, 0.0866053279751102, 0.08059156665406167],
    ],
  ])('agrees with pycocotools COCOeval (bbox) on seed %i, %i images', (seed, images, stats, perClass) => {
    const r = boxAp(randomScene(seed, images));
    expect([r.ap, r.ap50, r.ap75, r.ar100].map((v, i) => v - stats[i]!)).toEqual(
      [0, 0, 0, 0].map(() => expect.closeTo(0, 12)),
    );
    expect(r.perClass.map((c) => c.label)).toEqual([0, 1, 2]);
    for (const [k, c] of r.perClass.entries()) expect(c.ap).toBeCloseTo(perClass[k]!, 12);
  });

  it('gives mask AP equal to box AP when each mask is its filled box', () => {
    const masks = scene.map((image) => ({
      groundTruth: image.groundTruth.map((g) => ({ ...g, region: filledMask(g.region) })),
      detections: image.detections.map((d) => ({ ...d, region: filledMask(d.region) })),
    }));
    const boxes = boxAp(scene);
    const fromMasks = maskAp(masks);
    expect(fromMasks.perClass.length).toBe(boxes.perClass.length);
    for (const key of ['ap', 'ap50', 'ap75', 'ar100'] as const)
      expect(fromMasks[key]).toBeCloseTo(boxes[key], 12);
    expect(boxes.ap).toBeGreaterThan(0.1);
    expect(boxes.ap).toBeLessThan(0.9);
  });
});
