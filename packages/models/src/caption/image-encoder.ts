import type { Linear } from '@ocellus/nn/layers';
import { Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import {
  add,
  concat,
  contiguous,
  indexSelect,
  linear,
  reshape,
  slice,
  Tensor,
  transpose,
} from '@ocellus/tensor';
import { convStack, type MapShape, type StackOptions } from '../networks/stacks.js';
import type { CaptionerArchitecture } from './captioner-architecture.js';

/** Channels each cell gains besides the conv map's: its centre's x and y, each in [-1, 1]. */
export const COORDINATE_CHANNELS = 2;

/** A batch's cells `[N, cells, channels]`, and the affine map of every cell by a Linear (the attention's keys). */
export interface EncodedGrid {
  cells: Tensor;
  project(projection: Linear): Tensor;
}

/** A map `[N, C, H, W]` as its cells `[N, H * W, C]`, row-major. */
function cellsOf(map: Tensor): Tensor {
  const [n, channels, height, width] = map.shape as [number, number, number, number];
  return contiguous(transpose(reshape(map, [n, channels, height * width]), 1, 2));
}

/**
 * The captioner's encoder: the spec's conv stack over the image (`backbone`), then its `encoderHead`
 * blocks when it has them (`head`), read as a grid of `rows x cols` cells of `channels` features,
 * row-major. With `fineMap` the grid is that block's finer map instead: each cell reads the block's
 * features beside the head's (brought up to the finer size by nearest neighbour). Each cell also carries
 * its centre's coordinates (CoordConv, Liu et al. 2018): attention compares cells by content only, and a
 * caption read left to right needs to know where the cell it attends to lies.
 */
export class ImageEncoder extends Module {
  readonly backbone: Sequential;
  readonly head: Sequential | null;
  readonly rows: number;
  readonly cols: number;
  /** Features per cell: the fine block's channels (with `fineMap`), the head's, then `COORDINATE_CHANNELS`. */
  readonly channels: number;
  private readonly coordinates: Float32Array;
  /** The backbone layer counts whose outputs `encode` reads: the fine block's (when not the last), the last. */
  private readonly taps: number[];
  /** With `fineMap`: per fine cell, the coarse cell under it (the head's map brought up by nearest neighbour). */
  private readonly coarseCell: Int32Array | null;

  constructor(
    arch: Pick<CaptionerArchitecture, 'layers' | 'encoderHead' | 'fineMap'>,
    input: MapShape,
    stack: StackOptions,
  ) {
    super();
    const conv = convStack(arch.layers, input, stack);
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    const head = arch.encoderHead ? convStack(arch.encoderHead, conv.shape, stack) : null;
    this.head = head ? this.registerModule('head', new Sequential(...head.layers)) : null;
    const [channels, coarseRows, coarseCols] = (head ?? conv).shape;
    const last = conv.layers.length;
    const fine = arch.fineMap === undefined ? undefined : conv.blocks[arch.fineMap];
    if (arch.fineMap !== undefined && !fine) {
      throw new RangeError(`fineMap ${arch.fineMap} is not a block of the ${conv.blocks.length}-block stack`);
    }
    const [fineChannels, rows, cols] = fine ? fine.shape : [0, coarseRows, coarseCols];
    const [fy, fx] = [rows / coarseRows, cols / coarseCols];
    if (!Number.isInteger(fy) || !Number.isInteger(fx)) {
      throw new RangeError(
        `fineMap ${arch.fineMap}'s ${rows}x${cols} map is not a whole multiple of the ${coarseRows}x${coarseCols} grid`,
      );
    }
    this.coarseCell = fine
      ? Int32Array.from({ length: rows * cols }, (_, i) => {
          const [r, c] = [Math.floor(i / cols), i % cols];
          return Math.floor(r / fy) * coarseCols + Math.floor(c / fx);
        })
      : null;
    this.taps = fine && fine.end < last ? [fine.end, last] : [last];
    this.rows = rows;
    this.cols = cols;
    this.channels = channels + fineChannels + COORDINATE_CHANNELS;
    this.coordinates = new Float32Array(rows * cols * COORDINATE_CHANNELS);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const cell = (r * cols + c) * COORDINATE_CHANNELS;
        this.coordinates[cell] = (2 * c + 1) / cols - 1;
        this.coordinates[cell + 1] = (2 * r + 1) / rows - 1;
      }
    }
  }

  get cells(): number {
    return this.rows * this.cols;
  }

  /** Images `[N, C, H, W]` to cell features `[N, cells, channels]`. */
  forward(images: Tensor): Tensor {
    return this.encode(images).cells;
  }

  /**
   * The cells of `images`, and their projection: with `fineMap` it is taken part by part, the fine
   * block's features and the coordinates per fine cell, the head's per coarse cell then copied to the fine
   * cells over it; the same values as projecting each whole cell, without the head's share costing the
   * fine grid's cells.
   */
  encode(images: Tensor): EncodedGrid {
    const maps = this.backbone.forwardTaps(images, this.taps);
    const features = maps[maps.length - 1]!;
    const head = cellsOf(this.head ? this.head.forward(features) : features);
    const n = images.shape[0]!;
    const where = new Float32Array(n * this.coordinates.length);
    for (let i = 0; i < n; i++) where.set(this.coordinates, i * this.coordinates.length);
    const coordinates = new Tensor(where, [n, this.cells, COORDINATE_CHANNELS]);
    const { coarseCell } = this;
    if (!coarseCell) {
      const cells = concat([head, coordinates], 2);
      return { cells, project: (projection) => projection.forward(cells) };
    }
    const fine = cellsOf(maps[0]!);
    const cells = concat([fine, indexSelect(head, 1, coarseCell), coordinates], 2);
    const project = (projection: Linear) => {
      const [fineChannels, headChannels] = [fine.shape[2]!, head.shape[2]!];
      const part = (from: number, width: number) => slice(projection.weight, [null, [from, from + width]]);
      const ownWeight = concat(
        [part(0, fineChannels), part(fineChannels + headChannels, COORDINATE_CHANNELS)],
        1,
      );
      const own = linear(concat([fine, coordinates], 2), ownWeight, projection.bias);
      const fromHead = linear(head, part(fineChannels, headChannels));
      return add(own, indexSelect(fromHead, 1, coarseCell));
    };
    return { cells, project };
  }
}
