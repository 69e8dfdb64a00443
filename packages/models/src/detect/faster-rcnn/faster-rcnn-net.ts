import type { NetworkShape } from '@ocellus/contracts';
import { Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import type { Rng, Tensor } from '@ocellus/tensor';
import { anchorGenerator } from '@ocellus/vision/boxes';
import { convStack, type MapShape } from '../../networks/stacks.js';
import { BoxHead } from '../region/roi-heads.js';
import { RpnHead } from '../region/rpn.js';
import type { FasterRcnnFields } from './stages.js';

/**
 * Faster R-CNN's weights (children `backbone`, `rpn`, `head`): a conv backbone to one feature map, the
 * region proposal network on it, and the box head on RoIAligned proposals. `anchors` are the input's
 * anchors in the RPN's order; `scale` takes input pixels to feature-map pixels.
 */
export class FasterRcnnNet extends Module {
  readonly backbone: Sequential;
  readonly rpn: RpnHead;
  readonly head: BoxHead;
  readonly anchors: Float32Array;
  readonly scale: number;
  readonly map: MapShape;

  constructor(arch: FasterRcnnFields, shape: NetworkShape, rng: Rng) {
    super();
    const [, height, width] = shape.inputShape as MapShape;
    const stack = { activation: arch.activation, init: shape.init, rng, dropout: shape.dropout };
    const conv = convStack(arch.layers, shape.inputShape as MapShape, stack);
    this.map = conv.shape;
    const [channels, rows, cols] = conv.shape;
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    const generator = anchorGenerator([arch.anchors.sizes], [arch.anchors.ratios]);
    this.anchors = generator.anchors({ height, width }, [{ height: rows, width: cols }]);
    this.scale = cols / width;
    const init = { init: shape.init, rng };
    this.rpn = this.registerModule(
      'rpn',
      new RpnHead(channels, arch.rpn.channels, generator.anchorsPerLocation[0]!, init),
    );
    const pooled = channels * arch.roiAlign.output * arch.roiAlign.output;
    this.head = this.registerModule('head', new BoxHead(pooled, arch.fc, shape.classes, stack));
  }

  forward(x: Tensor): Tensor {
    return this.backbone.forward(x);
  }
}
