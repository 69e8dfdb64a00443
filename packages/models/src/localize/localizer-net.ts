import type { NetworkShape } from '@ocellus/contracts';
import { Conv2d, Flatten, Linear, MaxPool2d, Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import { type Rng, reshape, type Tensor } from '@ocellus/tensor';
import { warpRois } from '../detect/rcnn/warp.js';
import { activationLayer } from '../networks/activation.js';
import { convStack, fcStack, type MapShape, stackOptions } from '../networks/stacks.js';
import type { Grid } from './centre-grid.js';
import type { LocalizerArchitecture } from './localizer-architecture.js';

/**
 * The box head's outputs for a batch: centre logits [N, rows * cols] (which cell of the backbone's map
 * holds the object's centre) and each cell's box [N, 4, rows, cols] (centre-grid).
 */
export interface LocalizerMaps {
  /** [N, classes] logits of a linear probe on the max-pooled map: training's auxiliary class loss. */
  aux: Tensor;
  centre: Tensor;
  box: Tensor;
}

/** All heads' outputs: the box head's and the class logits [N, classes]. */
export interface LocalizerOutput extends LocalizerMaps {
  logits: Tensor;
}

/**
 * CS231n's classification + localization network: one conv backbone, then a box head and a class head
 * (children `backbone`, `dense`, `centre`, `box`, `cls`). The box head is convolutional (CenterNet-style):
 * a 3x3 conv over the map, then per cell a centre score and the box as seen from that cell; the box is
 * read around the cell with the highest centre score. Every cell predicts with the same weights, so where
 * the object is does not change how its box is measured. The class head is a CNN of its own on the
 * input inside the object's box, warped with context padding to `classifier.size` (the R-CNN step): the
 * true box in training, the predicted one after, so what the object is is judged on the object alone.
 * An auxiliary linear class probe on the max-pooled map (`aux`, training only) keeps the backbone
 * learning what digits look like, which the box head needs to find them.
 */
export class LocalizerNet extends Module {
  readonly backbone: Sequential;
  readonly cls: Sequential;
  readonly aux: Sequential;
  readonly dense: Sequential;
  readonly centre: Conv2d;
  readonly box: Conv2d;
  readonly grid: Grid;
  /** Side of the warped crops the class head reads. */
  readonly classifierSize: number;

  constructor(arch: LocalizerArchitecture, shape: NetworkShape, rng: Rng) {
    super();
    const stack = stackOptions(arch.activation, shape, rng);
    const conv = convStack(arch.layers, shape.inputShape as MapShape, stack);
    const [channels, rows, cols] = conv.shape;
    this.grid = { rows, cols };
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    const [inputChannels] = shape.inputShape as MapShape;
    const side = arch.classifier.size;
    this.classifierSize = side;
    const crops = convStack(arch.classifier.layers, [inputChannels, side, side], stack);
    const fc = fcStack(crops.shape[0] * crops.shape[1] * crops.shape[2], arch.fc, stack);
    const logits = new Linear(fc.features, shape.classes, { init: shape.init, rng });
    this.cls = this.registerModule(
      'cls',
      new Sequential(...crops.layers, new Flatten(), ...fc.layers, logits),
    );
    const probe = new Linear(channels, shape.classes, { init: shape.init, rng });
    this.aux = this.registerModule('aux', new Sequential(new MaxPool2d([rows, cols]), new Flatten(), probe));
    const width = arch.boxChannels;
    const trunk = new Conv2d(channels, width, 3, { init: shape.init, rng, padding: 1 });
    this.dense = this.registerModule('dense', new Sequential(trunk, activationLayer(arch.activation)));
    this.centre = this.registerModule('centre', new Conv2d(width, 1, 1, { init: shape.init, rng }));
    this.box = this.registerModule('box', new Conv2d(width, 4, 1, { init: shape.init, rng }));
  }

  forward(x: Tensor): LocalizerMaps {
    const features = this.backbone.forward(x);
    const dense = this.dense.forward(features);
    const n = features.shape[0]!;
    return {
      aux: this.aux.forward(features),
      centre: reshape(this.centre.forward(dense), [n, this.grid.rows * this.grid.cols]),
      box: this.box.forward(dense),
    };
  }

  /** Class logits [N, classes] of each image's object in `boxes` (flat `[x1, y1, x2, y2]`, input pixels). */
  classify(inputs: Tensor, boxes: Float32Array): Tensor {
    const imageOf = Int32Array.from({ length: boxes.length / 4 }, (_, i) => i);
    return this.cls.forward(warpRois(inputs, { boxes, imageOf }, this.classifierSize));
  }
}
