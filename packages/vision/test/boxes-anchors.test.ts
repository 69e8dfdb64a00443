import { readFileSync } from 'node:fs';
import { anchorGenerator, type GridSize, generateAnchors, gridAnchors } from '@ocellus/vision/boxes';
import { describe, expect, it } from 'vitest';

/** Written by fixtures/boxes.py from torchvision 0.14's AnchorGenerator. */
interface AnchorCase {
  sizes: number[][];
  aspectRatios: number[][];
  image: GridSize;
  grids: GridSize[];
  cellAnchors: number[][];
  anchors: number[];
}
const { anchors: cases } = JSON.parse(
  readFileSync(new URL('../fixtures/boxes.json', import.meta.url), 'utf8'),
) as {
  anchors: AnchorCase[];
};

describe.each(cases)('anchorGenerator against torchvision AnchorGenerator, sizes $sizes', (c) => {
  const generator = anchorGenerator(c.sizes, c.aspectRatios);

  it('builds the same cell anchors for every feature map', () => {
    expect(generator.cellAnchors.map((a) => Array.from(a))).toEqual(c.cellAnchors);
    expect(generator.anchorsPerLocation).toEqual(c.sizes.map((s, i) => s.length * c.aspectRatios[i]!.length));
  });

  it('places the same anchors in the same order over all grids', () => {
    const anchors = generator.anchors(c.image, c.grids);
    expect(anchors).toBeInstanceOf(Float32Array);
    expect(Array.from(anchors)).toEqual(c.anchors);
  });
});

describe('generateAnchors', () => {
  it('rounds halves to even as torch.round does', () => {
    expect(Array.from(generateAnchors([5], [1]))).toEqual([-2, -2, 2, 2]);
    expect(Array.from(generateAnchors([7], [1]))).toEqual([-4, -4, 4, 4]);
    expect(Array.from(generateAnchors([11], [1]))).toEqual([-6, -6, 6, 6]);
  });

  it('orders anchors ratio-major, with ratio = height / width', () => {
    expect(Array.from(generateAnchors([16, 32], [0.5, 2]))).toEqual([
      -11, -6, 11, 6, -23, -11, 23, 11, -6, -11, 6, 11, -11, -23, 11, 23,
    ]);
  });
});

describe('gridAnchors', () => {
  const cell = Float32Array.of(-1, -1, 1, 1, -2, -3, 2, 3);

  it('shifts every cell anchor by (x * stride width, y * stride height), cells row-major', () => {
    const anchors = Array.from(gridAnchors(cell, { height: 2, width: 3 }, { height: 10, width: 4 }));
    expect(anchors).toHaveLength(2 * 3 * 2 * 4);
    expect(anchors.slice(0, 12)).toEqual([-1, -1, 1, 1, -2, -3, 2, 3, 3, -1, 5, 1]);
    const cell10 = (1 * 3 + 0) * 2 * 4;
    expect(anchors.slice(cell10, cell10 + 8)).toEqual([-1, 9, 1, 11, -2, 7, 2, 13]);
    expect(anchors.slice(-4)).toEqual([6, 7, 10, 13]);
  });
});

describe('anchorGenerator', () => {
  it('uses floor(image / grid) as each map stride', () => {
    const generator = anchorGenerator([[2]], [[1]]);
    const anchors = Array.from(generator.anchors({ height: 23, width: 9 }, [{ height: 2, width: 2 }]));
    expect(anchors).toEqual([-1, -1, 1, 1, 3, -1, 5, 1, -1, 10, 1, 12, 3, 10, 5, 12]);
  });

  it('rejects mismatched size and ratio tuples, and a grid count other than the map count', () => {
    expect(() => anchorGenerator([[32], [64]], [[1]])).toThrow(RangeError);
    const generator = anchorGenerator([[32]], [[1]]);
    expect(() => generator.anchors({ height: 64, width: 64 }, [])).toThrow(/1 feature maps expected, got 0/);
  });
});
