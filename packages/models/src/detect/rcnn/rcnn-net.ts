import type { NetworkShape } from '@ocellus/contracts';
import { Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import type { Rng, Tensor } from '@ocellus/tensor';
import { convStack, type MapShape, stackOptions } from '../../networks/stacks.js';
import { BoxHead, type BoxHeadOutput } from '../region/roi-heads.js';
import type { RcnnArchitecture } from './architecture.js';

/** R-CNN's weights (children `features`, `head`): a CNN over each warped region, then class and box heads. */
export class RcnnNet extends Module {
  readonly features: Sequential;
  readonly head: BoxHead;

  constructor(arch: RcnnArchitecture, shape: NetworkShape, rng: Rng) {
    super();
    const stack = stackOptions(arch.activation, shape, rng);
    const channels = (shape.inputShape as MapShape)[0];
    const conv = convStack(arch.layers, [channels, arch.warpSize, arch.warpSize], stack);
    const [c, h, w] = conv.shape;
    this.features = this.registerModule('features', new Sequential(...conv.layers));
    this.head = this.registerModule('head', new BoxHead(c * h * w, arch.fc, shape.classes, stack));
  }

  /** Warped regions [R, C, warp, warp] to their class logits and box deltas. */
  forward(regions: Tensor): BoxHeadOutput {
    return this.head.forward(this.features.forward(regions));
  }
}
