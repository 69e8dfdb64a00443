import { forwardChain, type Tensor } from '@ocellus/tensor';
import { Module, type TensorModule } from '../module.js';
import { ReLU } from './activations.js';

/** A layer that can apply the ReLU after it inside its own op (one pass and one buffer less). */
interface ReluFusable {
  forwardRelu(x: Tensor): Tensor;
}

const fusesRelu = (layer: TensorModule): layer is TensorModule & ReluFusable =>
  typeof (layer as Partial<ReluFusable>).forwardRelu === 'function';

/**
 * Layers applied in order, registered as children "0", "1", ... (torch's names in state dicts). A layer
 * that can fuse a ReLU (Conv2d, BatchNorm, Linear) followed by a plain ReLU runs both as one op: same values.
 */
export class Sequential extends Module implements TensorModule {
  readonly layers: readonly TensorModule[];

  constructor(...layers: TensorModule[]) {
    super();
    this.layers = layers.map((layer, i) => this.registerModule(String(i), layer));
  }

  /** Without gradients, the intermediate buffers go back to the allocator once done (forwardChain). */
  forward(x: Tensor): Tensor {
    const steps: ((h: Tensor) => Tensor)[] = [];
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i]!;
      const next = this.layers[i + 1];
      if (next?.constructor === ReLU && fusesRelu(layer)) {
        steps.push((h) => layer.forwardRelu(h));
        i++;
      } else steps.push((h) => layer.forward(h));
    }
    return forwardChain(x, steps);
  }
}
