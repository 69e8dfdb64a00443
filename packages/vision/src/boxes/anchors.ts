/** Height and width, in pixels for an image or in cells for a feature map. */
export interface GridSize {
  height: number;
  width: number;
}

/** torch.round: halves go to the even neighbour (Math.round sends them up). */
function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Zero-centred anchors for every aspect ratio (height / width) and size, ratio-major
 * (torchvision `AnchorGenerator.generate_anchors`): h = size * sqrt(r), w = size / sqrt(r),
 * anchor round([-w, -h, w, h] / 2). Computed in float32 as torchvision's default dtype does.
 */
export function generateAnchors(sizes: readonly number[], aspectRatios: readonly number[]): Float32Array {
  const anchors = new Float32Array(aspectRatios.length * sizes.length * 4);
  let o = 0;
  for (const ratio of aspectRatios) {
    const hRatio = Math.fround(Math.sqrt(Math.fround(ratio)));
    const wRatio = Math.fround(1 / hRatio);
    for (const size of sizes) {
      const halfW = Math.fround(wRatio * Math.fround(size)) / 2;
      const halfH = Math.fround(hRatio * Math.fround(size)) / 2;
      anchors.set([-halfW, -halfH, halfW, halfH].map(roundHalfToEven), o);
      o += 4;
    }
  }
  return anchors;
}

/**
 * `cellAnchors` shifted to every cell of a feature grid, cell (y, x) by
 * `(x * stride.width, y * stride.height)`; row-major cells, each with all its cell anchors in
 * order (torchvision `AnchorGenerator.grid_anchors` for one feature map).
 */
export function gridAnchors(cellAnchors: Float32Array, grid: GridSize, stride: GridSize): Float32Array {
  const perCell = cellAnchors.length;
  const anchors = new Float32Array(grid.height * grid.width * perCell);
  let o = 0;
  for (let y = 0; y < grid.height; y++) {
    const sy = y * stride.height;
    for (let x = 0; x < grid.width; x++) {
      const sx = x * stride.width;
      for (let a = 0; a < perCell; a += 4) {
        anchors[o++] = sx + cellAnchors[a]!;
        anchors[o++] = sy + cellAnchors[a + 1]!;
        anchors[o++] = sx + cellAnchors[a + 2]!;
        anchors[o++] = sy + cellAnchors[a + 3]!;
      }
    }
  }
  return anchors;
}

/** The anchors of torchvision's `AnchorGenerator` for one set of sizes and ratios per feature map. */
export interface AnchorGenerator {
  /** Zero-centred anchors of each feature map (`cell_anchors`). */
  readonly cellAnchors: readonly Float32Array[];
  /** sizes x ratios of each feature map (`num_anchors_per_location`). */
  readonly anchorsPerLocation: readonly number[];
  /**
   * Flat anchors of all feature maps, concatenated in order (`forward` for one image). A map's
   * stride is floor(image / grid) on each axis, as torchvision divides the padded batch size.
   */
  anchors(image: GridSize, grids: readonly GridSize[]): Float32Array;
}

/** torchvision's `AnchorGenerator(sizes, aspect_ratios)`, one tuple of each per feature map. */
export function anchorGenerator(
  sizes: readonly (readonly number[])[],
  aspectRatios: readonly (readonly number[])[],
): AnchorGenerator {
  if (sizes.length !== aspectRatios.length) {
    throw new RangeError(
      `anchorGenerator: ${sizes.length} size tuples but ${aspectRatios.length} ratio tuples`,
    );
  }
  const cellAnchors = sizes.map((s, i) => generateAnchors(s, aspectRatios[i]!));
  return {
    cellAnchors,
    anchorsPerLocation: cellAnchors.map((c) => c.length / 4),
    anchors(image, grids) {
      if (grids.length !== cellAnchors.length) {
        throw new RangeError(
          `anchorGenerator: ${cellAnchors.length} feature maps expected, got ${grids.length}`,
        );
      }
      const perMap = grids.map((grid, i) =>
        gridAnchors(cellAnchors[i]!, grid, {
          height: Math.floor(image.height / grid.height),
          width: Math.floor(image.width / grid.width),
        }),
      );
      const all = new Float32Array(perMap.reduce((total, a) => total + a.length, 0));
      let o = 0;
      for (const a of perMap) {
        all.set(a, o);
        o += a.length;
      }
      return all;
    },
  };
}
