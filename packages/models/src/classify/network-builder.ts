import type { JobSpec, NetworkShape } from '@ocellus/contracts';
import type { InitScheme } from '@ocellus/nn/init';
import { BatchNorm1d, Dropout, Flatten, Linear, Sequential } from '@ocellus/nn/layers';
import type { TensorModule } from '@ocellus/nn/module';
import type { Rng } from '@ocellus/tensor';
import { type Activation, activationLayer } from '../networks/activation.js';
import { convStack, fcStack, type MapShape, stackOptions } from '../networks/stacks.js';

type Architecture = JobSpec['architecture'];
export type NetworkArchitecture = Extract<Architecture, { type: 'linear' | 'mlp' | 'cnn' }>;

/** What rebuilding the network needs besides the architecture, kept in the manifest as `architecture.network`. */
export type { NetworkShape };

export function initScheme(init: JobSpec['init'], activation: Activation): InitScheme {
  if (typeof init !== 'string') return 'small';
  if (init === 'xavier') return 'xavier';
  if (init === 'lecun') return 'xavier';
  return activation === 'leaky-relu' ? 'he-leaky' : 'he';
}

const flatSize = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * CS231n's architectures: linear = flatten -> affine; mlp = [affine - batchnorm - act - dropout] x N
 * -> affine; cnn = [conv - batchnorm - act - pool] x N -> flatten -> [affine - act - dropout] x M -> affine,
 * as Sequential(backbone "0", head "1") so transfer learning can freeze "0." and replace "1".
 * Dropout layers draw from `rng`, the training run's generator, so checkpoints capture them.
 */
export function buildNetwork(arch: NetworkArchitecture, shape: NetworkShape, rng: Rng): Sequential {
  const init = { init: shape.init, rng };
  const layers: TensorModule[] = [new Flatten()];
  if (arch.type === 'linear') {
    layers.push(new Linear(flatSize(shape.inputShape), shape.classes, { ...init, init: 'small' }));
    return new Sequential(...layers);
  }
  if (arch.type === 'mlp') {
    let width = flatSize(shape.inputShape);
    for (const hidden of arch.hidden) {
      layers.push(new Linear(width, hidden, init));
      if (arch.batchNorm) layers.push(new BatchNorm1d(hidden));
      layers.push(activationLayer(arch.activation));
      if (shape.dropout > 0) layers.push(new Dropout(shape.dropout, { rng }));
      width = hidden;
    }
    layers.push(new Linear(width, shape.classes, init));
    return new Sequential(...layers);
  }
  const stack = stackOptions(arch.activation, shape, rng);
  const conv = convStack(arch.layers, shape.inputShape as MapShape, stack);
  const fc = fcStack(flatSize(conv.shape), arch.fc, stack);
  const head = [new Flatten(), ...fc.layers, new Linear(fc.features, shape.classes, init)];
  return new Sequential(new Sequential(...conv.layers), new Sequential(...head));
}
