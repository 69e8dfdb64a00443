import type { JobSpec } from '@ocellus/contracts';
import type { InitScheme } from '@ocellus/nn/init';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Dropout2d,
  ELU,
  Flatten,
  LeakyReLU,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '@ocellus/nn/layers';
import type { TensorModule } from '@ocellus/nn/module';
import type { Rng } from '@ocellus/tensor';

type Architecture = JobSpec['architecture'];
export type NetworkArchitecture = Extract<Architecture, { type: 'linear' | 'mlp' | 'cnn' }>;
type Activation = Extract<NetworkArchitecture, { type: 'mlp' }>['activation'];

/** What rebuilding the network needs besides the architecture (kept in the manifest). */
export interface NetworkShape {
  /** Per-example input shape after preprocessing, e.g. [1, 28, 28] or [64] after PCA. */
  inputShape: number[];
  classes: number;
  dropout: number;
  init: InitScheme;
}

export function initScheme(init: JobSpec['init'], activation: Activation): InitScheme {
  if (typeof init !== 'string') return 'small';
  if (init === 'xavier') return 'xavier';
  if (init === 'lecun') return 'xavier';
  return activation === 'leaky-relu' ? 'he-leaky' : 'he';
}

function activationLayer(kind: Activation): TensorModule {
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
  const conv: TensorModule[] = [];
  let [channels, height, width] = shape.inputShape as [number, number, number];
  for (const block of arch.layers) {
    const padding = block.padding === 'same' ? Math.floor(block.kernel / 2) : block.padding;
    conv.push(
      new Conv2d(channels, block.filters, block.kernel, {
        ...init,
        stride: block.stride,
        padding,
        bias: !block.batchNorm,
      }),
    );
    height = Math.floor((height + 2 * padding - block.kernel) / block.stride) + 1;
    width = Math.floor((width + 2 * padding - block.kernel) / block.stride) + 1;
    if (block.batchNorm) conv.push(new BatchNorm2d(block.filters));
    conv.push(activationLayer(arch.activation));
    if (block.pool > 1) {
      conv.push(new MaxPool2d(block.pool));
      height = Math.floor(height / block.pool);
      width = Math.floor(width / block.pool);
    }
    if (shape.dropout > 0) conv.push(new Dropout2d(shape.dropout / 2, { rng }));
    channels = block.filters;
    if (height < 1 || width < 1) throw new Error('cnn: the conv stack shrinks the image below 1x1');
  }
  let features = channels * height * width;
  const head: TensorModule[] = [new Flatten()];
  for (const hidden of arch.fc) {
    head.push(new Linear(features, hidden, init), activationLayer(arch.activation));
    if (shape.dropout > 0) head.push(new Dropout(shape.dropout, { rng }));
    features = hidden;
  }
  head.push(new Linear(features, shape.classes, init));
  return new Sequential(new Sequential(...conv), new Sequential(...head));
}
