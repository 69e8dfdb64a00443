import type { Tensor } from '@ocellus/tensor';
import { Module, type TensorModule } from '../module.js';

/** Layers applied in order, registered as children "0", "1", ... (torch's names in state dicts). */
export class Sequential extends Module implements TensorModule {
  readonly layers: readonly TensorModule[];

  constructor(...layers: TensorModule[]) {
    super();
    this.layers = layers.map((layer, i) => this.registerModule(String(i), layer));
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }
}
