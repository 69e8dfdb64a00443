import type { NetworkShape } from '@ocellus/contracts';
import { Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import type { Rng, Tensor } from '@ocellus/tensor';
import { convStack, type MapShape, stackOptions } from '../../networks/stacks.js';
import { type BlockMaps, BlockTaps, stackedChannels } from '../region/block-maps.js';
import { BoxHead } from '../region/roi-heads.js';
import type { FastRcnnArchitecture } from './architecture.js';

/**
 * Fast R-CNN's weights (children `backbone`, `head`): one conv pass over the whole image, then the box
 * head on each proposal's features pooled from the maps of `roiMaps` (conv blocks; the last unless the
 * spec names others).
 */
export class FastRcnnNet extends Module {
  readonly backbone: Sequential;
  readonly head: BoxHead;
  readonly roiMaps: readonly number[];
  private readonly taps: BlockTaps;

  constructor(arch: FastRcnnArchitecture, shape: NetworkShape, rng: Rng) {
    super();
    const stack = stackOptions(arch.activation, shape, rng);
    const conv = convStack(arch.layers, shape.inputShape as MapShape, stack);
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    this.roiMaps = arch.roiMaps ?? [conv.blocks.length - 1];
    this.taps = new BlockTaps(conv.blocks, (shape.inputShape as MapShape)[2], this.roiMaps);
    const pooled = stackedChannels(conv.blocks, this.roiMaps) * arch.roiPool.output ** 2;
    this.head = this.registerModule('head', new BoxHead(pooled, arch.fc, shape.classes, stack));
  }

  /** The backbone's maps over `x` that the box head reads. */
  features(x: Tensor): BlockMaps {
    return this.taps.run(this.backbone, x);
  }
}
