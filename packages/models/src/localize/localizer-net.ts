import type { NetworkShape } from '@ocellus/contracts';
import { Conv2d, Flatten, Linear, MaxPool2d, Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import { type Rng, reshape, type Tensor } from '@ocellus/tensor';
import { activationLayer } from '../networks/activation.js';
import { convStack, fcStack, type MapShape } from '../networks/stacks.js';
import type { Grid } from './centre-grid.js';
import type { LocalizerArchitecture } from './localizer-architecture.js';

/**
 * The heads' outputs for a batch: class logits [N, classes], centre logits [N, rows * cols] (which cell
 * of the backbone's map holds the object's centre) and each cell's box [N, 4, rows, cols] (centre-grid).
 */
export interface LocalizerOutput {
  logits: Tensor;
  centre: Tensor;
  box: Tensor;
}

/**
 * CS231n's classification + localization network: one conv backbone, then a class head and a box head
 * side by side (children `backbone`, `cls`, `dense`, `centre`, `box`). The class head sees the map
 * max-pooled over all positions, so what the object is does not depend on where it is. The box head is
 * convolutional (CenterNet-style): a 3x3 conv over the map, then per cell a centre score and the box as
 * seen from that cell; the box is read at the cell with the highest centre score. Every cell predicts
 * with the same weights, so where the object is does not change how its box is measured.
 */
export class LocalizerNet extends Module {
  readonly backbone: Sequential;
  readonly cls: Sequential;
  readonly dense: Sequential;
  readonly centre: Conv2d;
  readonly box: Conv2d;
  readonly grid: Grid;

  constructor(arch: LocalizerArchitecture, shape: NetworkShape, rng: Rng) {
    super();
    const stack = { activation: arch.activation, init: shape.init, rng, dropout: shape.dropout };
    const conv = convStack(arch.layers, shape.inputShape as MapShape, stack);
    const [channels, rows, cols] = conv.shape;
    this.grid = { rows, cols };
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    const fc = fcStack(channels, arch.fc, stack);
    const logits = new Linear(fc.features, shape.classes, { init: shape.init, rng });
    this.cls = this.registerModule(
      'cls',
      new Sequential(new MaxPool2d([rows, cols]), new Flatten(), ...fc.layers, logits),
    );
    const width = arch.boxChannels;
    const trunk = new Conv2d(channels, width, 3, { init: shape.init, rng, padding: 1 });
    this.dense = this.registerModule('dense', new Sequential(trunk, activationLayer(arch.activation)));
    this.centre = this.registerModule('centre', new Conv2d(width, 1, 1, { init: shape.init, rng }));
    this.box = this.registerModule('box', new Conv2d(width, 4, 1, { init: shape.init, rng }));
  }

  forward(x: Tensor): LocalizerOutput {
    const features = this.backbone.forward(x);
    const dense = this.dense.forward(features);
    const n = features.shape[0]!;
    return {
      logits: this.cls.forward(features),
      centre: reshape(this.centre.forward(dense), [n, this.grid.rows * this.grid.cols]),
      box: this.box.forward(dense),
    };
  }
}
