import type { NetworkShape } from '@ocellus/contracts';
import { Conv2d, Flatten, Linear, Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import { type Rng, reshape, roiAlign, Tensor } from '@ocellus/tensor';
import { activationLayer } from '../networks/activation.js';
import { convStack, fcStack, type MapShape } from '../networks/stacks.js';
import type { Grid } from './centre-grid.js';
import type { LocalizerArchitecture } from './localizer-architecture.js';

/** Side of the RoIAligned map the class head reads. */
const CLASS_POOL = 4;

/**
 * The box head's outputs for a batch: the backbone's map (for the class head), centre logits
 * [N, rows * cols] (which cell of the map holds the object's centre) and each cell's box
 * [N, 4, rows, cols] (centre-grid).
 */
export interface LocalizerMaps {
  features: Tensor;
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
 * the object is does not change how its box is measured. The class head reads the map RoIAligned to the
 * object's box (`CLASS_POOL` square): the true box in training, the predicted one after, so what the
 * object is is judged on the object, wherever it is.
 */
export class LocalizerNet extends Module {
  readonly backbone: Sequential;
  readonly cls: Sequential;
  readonly dense: Sequential;
  readonly centre: Conv2d;
  readonly box: Conv2d;
  readonly grid: Grid;
  /** Takes input pixels to feature-map pixels. */
  readonly scale: number;

  constructor(arch: LocalizerArchitecture, shape: NetworkShape, rng: Rng) {
    super();
    const stack = { activation: arch.activation, init: shape.init, rng, dropout: shape.dropout };
    const conv = convStack(arch.layers, shape.inputShape as MapShape, stack);
    const [channels, rows, cols] = conv.shape;
    this.grid = { rows, cols };
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    const fc = fcStack(channels * CLASS_POOL * CLASS_POOL, arch.fc, stack);
    const logits = new Linear(fc.features, shape.classes, { init: shape.init, rng });
    this.cls = this.registerModule('cls', new Sequential(new Flatten(), ...fc.layers, logits));
    this.scale = cols / (shape.inputShape as MapShape)[2];
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
      features,
      centre: reshape(this.centre.forward(dense), [n, this.grid.rows * this.grid.cols]),
      box: this.box.forward(dense),
    };
  }

  /** Class logits [N, classes] of each image's object in `boxes` (flat `[x1, y1, x2, y2]`, input pixels). */
  classify(features: Tensor, boxes: Float32Array): Tensor {
    const n = features.shape[0]!;
    const rois = new Float32Array(5 * n);
    for (let i = 0; i < n; i++) {
      rois[5 * i] = i;
      rois.set(boxes.subarray(4 * i, 4 * i + 4), 5 * i + 1);
    }
    const pooled = roiAlign(features, new Tensor(rois, [n, 5]), {
      outputSize: CLASS_POOL,
      spatialScale: this.scale,
      samplingRatio: 2,
    });
    return this.cls.forward(pooled);
  }
}
