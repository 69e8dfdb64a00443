import { Flatten, Linear, Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import type { Rng, Tensor } from '@ocellus/tensor';
import type { NetworkShape } from '../classify/network-builder.js';
import { convStack, fcStack, type MapShape } from '../networks/stacks.js';
import type { LocalizerArchitecture } from './localizer-architecture.js';

/** The two heads' outputs for a batch: class logits [N, classes] and box codes [N, 4] (see box-encoding). */
export interface LocalizerOutput {
  logits: Tensor;
  box: Tensor;
}

const flatSize = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * CS231n's classification + localization network: a conv backbone and shared FC layers, then a class
 * head and a box head side by side (children `backbone`, `trunk`, `cls`, `box`).
 */
export class LocalizerNet extends Module {
  readonly backbone: Sequential;
  readonly trunk: Sequential;
  readonly cls: Linear;
  readonly box: Linear;

  constructor(arch: LocalizerArchitecture, shape: NetworkShape, rng: Rng) {
    super();
    const stack = { activation: arch.activation, init: shape.init, rng, dropout: shape.dropout };
    const conv = convStack(arch.layers, shape.inputShape as MapShape, stack);
    const fc = fcStack(flatSize(conv.shape), arch.fc, stack);
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    this.trunk = this.registerModule('trunk', new Sequential(new Flatten(), ...fc.layers));
    this.cls = this.registerModule('cls', new Linear(fc.features, shape.classes, { init: shape.init, rng }));
    this.box = this.registerModule('box', new Linear(fc.features, 4, { init: shape.init, rng }));
  }

  forward(x: Tensor): LocalizerOutput {
    const features = this.trunk.forward(this.backbone.forward(x));
    return { logits: this.cls.forward(features), box: this.box.forward(features) };
  }
}
