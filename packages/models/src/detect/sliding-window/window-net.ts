import type { NetworkShape } from '@ocellus/contracts';
import { Conv2d, Dropout2d, Sequential } from '@ocellus/nn/layers';
import { Module, type TensorModule } from '@ocellus/nn/module';
import type { Rng, Tensor } from '@ocellus/tensor';
import { activationLayer } from '../../networks/activation.js';
import { convStack, type MapShape, stackOptions } from '../../networks/stacks.js';
import type { SlidingWindowArchitecture } from './architecture.js';

/** Per window cell: class logits [N, classes + 1, gh, gw] (background last) and box codes [N, 4, gh, gw]. */
export interface WindowOutput {
  logits: Tensor;
  box: Tensor;
}

/**
 * A window classifier whose FC layers are convolutions (OverFeat): the first has the conv stack's
 * output map as its kernel, the others are 1x1. On a `size x size` window it gives one cell; on a
 * larger image, one cell per window position, `stride` input pixels apart.
 */
export class WindowNet extends Module {
  readonly backbone: Sequential;
  readonly trunk: Sequential;
  readonly cls: Conv2d;
  readonly box: Conv2d;
  /** Input pixels between neighbouring windows: the conv stack's downsampling. */
  readonly stride: number;

  constructor(arch: SlidingWindowArchitecture, shape: NetworkShape, rng: Rng) {
    super();
    const stack = stackOptions(arch.activation, shape, rng);
    const [channels, side] = shape.inputShape as [number, number, number];
    const conv = convStack(arch.layers, [channels, side, side] as MapShape, stack);
    const [features, mapSide] = conv.shape;
    this.stride = arch.layers.reduce((product, block) => product * block.stride * block.pool, 1);
    const trunk: TensorModule[] = [];
    let width = features;
    arch.fc.forEach((units, i) => {
      const kernel = i === 0 ? mapSide : 1;
      trunk.push(
        new Conv2d(width, units, kernel, { init: shape.init, rng }),
        activationLayer(arch.activation),
      );
      if (shape.dropout > 0) trunk.push(new Dropout2d(shape.dropout, { rng }));
      width = units;
    });
    const headKernel = arch.fc.length === 0 ? mapSide : 1;
    this.backbone = this.registerModule('backbone', new Sequential(...conv.layers));
    this.trunk = this.registerModule('trunk', new Sequential(...trunk));
    this.cls = this.registerModule(
      'cls',
      new Conv2d(width, shape.classes + 1, headKernel, { init: shape.init, rng }),
    );
    this.box = this.registerModule('box', new Conv2d(width, 4, headKernel, { init: shape.init, rng }));
  }

  forward(x: Tensor): WindowOutput {
    const features = this.trunk.forward(this.backbone.forward(x));
    return { logits: this.cls.forward(features), box: this.box.forward(features) };
  }
}
