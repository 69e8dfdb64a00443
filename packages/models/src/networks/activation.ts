import type { JobSpec } from '@ocellus/contracts';
import { ELU, LeakyReLU, ReLU, Sigmoid, Tanh } from '@ocellus/nn/layers';
import type { TensorModule } from '@ocellus/nn/module';

export type Activation = Extract<JobSpec['architecture'], { type: 'mlp' }>['activation'];

/** The spec's nonlinearity as a layer (LeakyReLU slope 0.01, ELU alpha 1). */
export function activationLayer(kind: Activation): TensorModule {
  switch (kind) {
    case 'relu':
      return new ReLU();
    case 'leaky-relu':
      return new LeakyReLU(0.01);
    case 'elu':
      return new ELU(1);
    case 'tanh':
      return new Tanh();
    case 'sigmoid':
      return new Sigmoid();
  }
}
