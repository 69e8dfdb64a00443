import { Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import { concat, contiguous, reshape, Tensor, transpose } from '@ocellus/tensor';
import { convStack, type MapShape, type StackOptions } from '../networks/stacks.js';
import type { CaptionerArchitecture } from './captioner-architecture.js';

/** Channels each cell gains besides the conv map's: its centre's x and y, each in [-1, 1]. */
export const COORDINATE_CHANNELS = 2;

/**
 * The captioner's encoder: the spec's conv stack over the image (`backbone`), then its `encoderHead`
 * blocks when it has them (`head`), read as a grid of `rows x cols` cells of `channels` features,
 * row-major. Each cell also carries its centre's coordinates (CoordConv, Liu et al. 2018): attention
 * compares cells by content only, and a caption read left to right needs to know where the cell it
 * attends to lies.
 */
export class ImageEncoder extends Module {
  readonly backbone: Sequential;
  readonly head: Sequential | null;
  readonly rows: number;
  readonly cols: number;
  /** Features per cell, the conv map's channels plus `COORDINATE_CHANNELS`. */
  readonly channels: number;
  private readonly coordinates: Float32Array;

  constructor(
    arch: Pick<CaptionerArchitecture, 'layers' | 'encoderHead'>,
    input: MapShape,
    stack: StackOptions,
  ) {
    super();
    const conv = convStack(arch.layers, input, stack);
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    const head = arch.encoderHead ? convStack(arch.encoderHead, conv.shape, stack) : null;
    this.head = head ? this.registerModule('head', new Sequential(...head.layers)) : null;
    const [channels, rows, cols] = (head ?? conv).shape;
    this.rows = rows;
    this.cols = cols;
    this.channels = channels + COORDINATE_CHANNELS;
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
    const features = this.backbone.forward(images);
    const map = this.head ? this.head.forward(features) : features;
    const [n, channels] = map.shape as [number, number];
    const cells = contiguous(transpose(reshape(map, [n, channels, this.cells]), 1, 2));
    const where = new Float32Array(n * this.coordinates.length);
    for (let i = 0; i < n; i++) where.set(this.coordinates, i * this.coordinates.length);
    const coordinates = new Tensor(where, [n, this.cells, COORDINATE_CHANNELS]);
    return concat([cells, coordinates], 2);
  }
}
