import type { NetworkShape } from '@ocellus/contracts';
import { Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import type { Rng, Tensor } from '@ocellus/tensor';
import { convStack, type MapShape } from '../../networks/stacks.js';
import { BoxHead } from '../region/roi-heads.js';
import type { FastRcnnArchitecture } from './architecture.js';

/**
 * Fast R-CNN's weights (children `backbone`, `head`): one conv pass over the whole image, then the box
 * head on each proposal's pooled features. `scale` takes input pixels to feature-map pixels.
 */
export class FastRcnnNet extends Module {
  readonly backbone: Sequential;
  readonly head: BoxHead;
  readonly scale: number;

  constructor(arch: FastRcnnArchitecture, shape: NetworkShape, rng: Rng) {
    super();
    const stack = { activation: arch.activation, init: shape.init, rng, dropout: shape.dropout };
    const conv = convStack(arch.layers, shape.inputShape as MapShape, stack);
    const [channels, , cols] = conv.shape;
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    this.scale = cols / (shape.inputShape as MapShape)[2];
    const pooled = channels * arch.roiPool.output * arch.roiPool.output;
    this.head = this.registerModule('head', new BoxHead(pooled, arch.fc, shape.classes, stack));
  }

  forward(x: Tensor): Tensor {
    return this.backbone.forward(x);
  }
}
