import type { NetworkShape } from '@ocellus/contracts';
import { Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import type { Rng, Tensor } from '@ocellus/tensor';
import { anchorGenerator } from '@ocellus/vision/boxes';
import { convStack, type MapShape, stackOptions } from '../../networks/stacks.js';
import { type BlockEnd, type BlockMaps, BlockTaps, stackedChannels } from '../region/block-maps.js';
import { BoxHead } from '../region/roi-heads.js';
import { RpnHead } from '../region/rpn.js';
import type { FasterRcnnFields } from './stages.js';

/**
 * Faster R-CNN's weights (children `backbone`, `rpn`, `head`): a conv backbone, the region proposal
 * network on its last map, and the box head on the proposals RoIAligned from the maps of `roiMaps`
 * (conv blocks; the last unless the spec names others). `anchors` are the input's anchors in the RPN's
 * order.
 */
export class FasterRcnnNet extends Module {
  readonly backbone: Sequential;
  readonly rpn: RpnHead;
  readonly head: BoxHead;
  readonly anchors: Float32Array;
  readonly map: MapShape;
  readonly roiMaps: readonly number[];
  private readonly blocks: readonly BlockEnd[];
  private readonly inputWidth: number;
  private taps: BlockTaps | null = null;

  constructor(arch: FasterRcnnFields, shape: NetworkShape, rng: Rng) {
    super();
    const [, height, width] = shape.inputShape as MapShape;
    const stack = stackOptions(arch.activation, shape, rng);
    const conv = convStack(arch.layers, shape.inputShape as MapShape, stack);
    this.map = conv.shape;
    this.blocks = conv.blocks;
    this.inputWidth = width;
    this.roiMaps = arch.roiMaps ?? [conv.blocks.length - 1];
    const [channels, rows, cols] = conv.shape;
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    const generator = anchorGenerator([arch.anchors.sizes], [arch.anchors.ratios]);
    this.anchors = generator.anchors({ height, width }, [{ height: rows, width: cols }]);
    const init = { init: shape.init, rng };
    this.rpn = this.registerModule(
      'rpn',
      new RpnHead(channels, arch.rpn.channels, generator.anchorsPerLocation[0]!, init),
    );
    const pooled = this.mapChannels(this.roiMaps) * arch.roiAlign.output ** 2;
    this.head = this.registerModule('head', new BoxHead(pooled, arch.fc, shape.classes, stack));
  }

  /** The backbone's maps over `x` that the heads read (`readBlocks`), the last always among them. */
  features(x: Tensor): BlockMaps {
    this.taps ??= new BlockTaps(this.blocks, this.inputWidth, this.readBlocks());
    return this.taps.run(this.backbone, x);
  }

  /** The channels RoI features stack when a head reads conv `blocks` (refusing blocks not in the stack). */
  protected mapChannels(blocks: readonly number[]): number {
    return stackedChannels(this.blocks, blocks);
  }

  /** Conv blocks whose maps a head reads: the box head's. */
  protected readBlocks(): readonly number[] {
    return this.roiMaps;
  }
}
