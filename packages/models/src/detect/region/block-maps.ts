import type { Sequential } from '@ocellus/nn/layers';
import { concat, type Tensor } from '@ocellus/tensor';
import type { MapShape } from '../../networks/stacks.js';
import type { RoiBatch } from './roi-heads.js';
import { poolRois, type RoiPooling } from './roi-pooling.js';

/** Where a conv block ends in the backbone's layers, and the shape of its map. */
export interface BlockEnd {
  end: number;
  shape: MapShape;
}

/** A backbone's maps at some of its conv blocks, each with its scale (map pixels per input pixel). */
export class BlockMaps {
  constructor(
    private readonly maps: ReadonlyMap<number, { features: Tensor; scale: number }>,
    /** The last block's map, the one the RPN reads. */
    readonly last: Tensor,
  ) {}

  /** Each RoI's features from the maps of `blocks`, pooled to one size and stacked along channels. */
  pool(blocks: readonly number[], rois: RoiBatch, pooling: RoiPooling): Tensor {
    const pooled = blocks.map((block) => {
      const map = this.maps.get(block);
      if (!map) throw new RangeError(`the map of conv block ${block} was not kept`);
      return poolRois(map.features, rois, pooling, map.scale);
    });
    return pooled.length === 1 ? pooled[0]! : concat(pooled, 1);
  }
}

/** Throws unless every block of `read` is one of the backbone's. */
function requireBlocks(blocks: readonly BlockEnd[], read: readonly number[]): void {
  const last = blocks.length - 1;
  for (const block of read) {
    if (!Number.isInteger(block) || block < 0 || block > last) {
      throw new RangeError(`conv block ${block} is not in the backbone (blocks 0..${last})`);
    }
  }
}

/** The channels RoI features stack when a head reads the maps of conv blocks `read`. */
export function stackedChannels(blocks: readonly BlockEnd[], read: readonly number[]): number {
  requireBlocks(blocks, read);
  return read.reduce((sum, block) => sum + blocks[block]!.shape[0], 0);
}

/**
 * The conv blocks a two-stage detector's heads read: the backbone runs once per batch and keeps the
 * maps of `kept` (block indices) and of its last block.
 */
export class BlockTaps {
  private readonly kept: number[];

  constructor(
    private readonly blocks: readonly BlockEnd[],
    private readonly inputWidth: number,
    kept: readonly number[],
  ) {
    requireBlocks(blocks, kept);
    this.kept = [...new Set([...kept, blocks.length - 1])].sort((a, b) => a - b);
  }

  /** Runs `backbone` over `x`, keeping the maps of the kept blocks. */
  run(backbone: Sequential, x: Tensor): BlockMaps {
    const outputs = backbone.forwardTaps(
      x,
      this.kept.map((block) => this.blocks[block]!.end),
    );
    const maps = new Map(
      this.kept.map((block, i) => {
        const scale = this.blocks[block]!.shape[2] / this.inputWidth;
        return [block, { features: outputs[i]!, scale }] as const;
      }),
    );
    return new BlockMaps(maps, outputs[outputs.length - 1]!);
  }
}
