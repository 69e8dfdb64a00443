import type { NetworkShape } from '@ocellus/contracts';
import { Flatten, Linear, MaxPool2d, Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import type { Rng, Tensor } from '@ocellus/tensor';
import { convStack, fcStack, type MapShape, type StackOptions } from '../networks/stacks.js';
import type { LocalizerArchitecture } from './localizer-architecture.js';

/** The two heads' outputs for a batch: class logits [N, classes] and box codes [N, 4] (see box-encoding). */
export interface LocalizerOutput {
  logits: Tensor;
  box: Tensor;
}

function head(
  features: number,
  hidden: readonly number[],
  outputs: number,
  options: StackOptions,
): Sequential {
  const fc = fcStack(features, hidden, options);
  const last = new Linear(fc.features, outputs, { init: options.init, rng: options.rng });
  return new Sequential(new Flatten(), ...fc.layers, last);
}

/**
 * CS231n's classification + localization network: one conv backbone, then a class head and a box head
 * side by side (children `backbone`, `cls`, `box`). The class head sees the map max-pooled over all
 * positions, so what the object is does not depend on where it is; the box head sees the whole map.
 */
export class LocalizerNet extends Module {
  readonly backbone: Sequential;
  readonly cls: Sequential;
  readonly box: Sequential;

  constructor(arch: LocalizerArchitecture, shape: NetworkShape, rng: Rng) {
    super();
    const stack = { activation: arch.activation, init: shape.init, rng, dropout: shape.dropout };
    const conv = convStack(arch.layers, shape.inputShape as MapShape, stack);
    const [channels, height, width] = conv.shape;
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    const pooled = head(channels, arch.fc, shape.classes, stack);
    this.cls = this.registerModule('cls', new Sequential(new MaxPool2d([height, width]), pooled));
    this.box = this.registerModule('box', head(channels * height * width, arch.fc, 4, stack));
  }

  forward(x: Tensor): LocalizerOutput {
    const features = this.backbone.forward(x);
    return { logits: this.cls.forward(features), box: this.box.forward(features) };
  }
}
