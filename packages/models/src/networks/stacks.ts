import type { JobSpec, NetworkShape } from '@ocellus/contracts';
import type { InitScheme } from '@ocellus/nn/init';
import { BatchNorm2d, Conv2d, Dropout, Dropout2d, Linear, MaxPool2d } from '@ocellus/nn/layers';
import type { TensorModule } from '@ocellus/nn/module';
import type { Rng } from '@ocellus/tensor';
import { type Activation, activationLayer } from './activation.js';

export type ConvBlocks = Extract<JobSpec['architecture'], { type: 'cnn' }>['layers'];

/** How layers are initialised and regularised; dropout layers draw from `rng`, the run's generator. */
export interface StackOptions {
  activation: Activation;
  init: InitScheme;
  rng: Rng;
  /** Dropout of the FC layers. */
  dropout: number;
  /** Channel dropout after each conv block. */
  convDropout: number;
}

/** The conv blocks' channel dropout when a spec or manifest names none: half of the FC layers'. */
export const defaultConvDropout = (dropout: number) => dropout / 2;

/** The dropout a network is built with, as its manifest records it: the FC layers' and the conv blocks'. */
export function dropoutShape(regularization: { dropout: number; convDropout?: number | undefined }) {
  const { dropout, convDropout = defaultConvDropout(dropout) } = regularization;
  return { dropout, convDropout };
}

/** A network's stack options from its recorded shape and the run's generator. */
export function stackOptions(activation: Activation, shape: NetworkShape, rng: Rng): StackOptions {
  const convDropout = shape.convDropout ?? defaultConvDropout(shape.dropout);
  return { activation, init: shape.init, rng, dropout: shape.dropout, convDropout };
}

/** `[channels, height, width]` of a feature map. */
export type MapShape = [channels: number, height: number, width: number];

/**
 * CS231n's conv blocks: [conv - batchnorm - act - pool - dropout2d(convDropout)] per block (a batch-normed conv
 * has no bias). Returns the layers, the shape of the map they produce from `input`, and per block the
 * layer count up to its end and its map's shape.
 */
export function convStack(blocks: ConvBlocks, input: MapShape, options: StackOptions) {
  const { rng } = options;
  const layers: TensorModule[] = [];
  const ends: { end: number; shape: MapShape }[] = [];
  let [channels, height, width] = input;
  for (const block of blocks) {
    const padding = block.padding === 'same' ? Math.floor(block.kernel / 2) : block.padding;
    layers.push(
      new Conv2d(channels, block.filters, block.kernel, {
        init: options.init,
        rng,
        stride: block.stride,
        padding,
        bias: !block.batchNorm,
      }),
    );
    height = Math.floor((height + 2 * padding - block.kernel) / block.stride) + 1;
    width = Math.floor((width + 2 * padding - block.kernel) / block.stride) + 1;
    if (block.batchNorm) layers.push(new BatchNorm2d(block.filters));
    layers.push(activationLayer(options.activation));
    if (block.pool > 1) {
      layers.push(new MaxPool2d(block.pool));
      height = Math.floor(height / block.pool);
      width = Math.floor(width / block.pool);
    }
    if (options.convDropout > 0) layers.push(new Dropout2d(options.convDropout, { rng }));
    channels = block.filters;
    if (height < 1 || width < 1) throw new Error('the conv stack shrinks the image below 1x1');
    ends.push({ end: layers.length, shape: [channels, height, width] });
  }
  return { layers, shape: [channels, height, width] as MapShape, blocks: ends };
}

/** [affine - act - dropout] per hidden width, from `features` inputs; returns the layers and their output width. */
export function fcStack(
  features: number,
  hidden: readonly number[],
  options: Omit<StackOptions, 'convDropout'>,
) {
  const layers: TensorModule[] = [];
  let width = features;
  for (const units of hidden) {
    layers.push(
      new Linear(width, units, { init: options.init, rng: options.rng }),
      activationLayer(options.activation),
    );
    if (options.dropout > 0) layers.push(new Dropout(options.dropout, { rng: options.rng }));
    width = units;
  }
  return { layers, features: width };
}
