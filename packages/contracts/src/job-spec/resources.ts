import type { Architecture } from './architecture.js';
import { isStoredDataset } from './data.js';
import type { JobSpec } from './spec.js';

/** Bytes a training job is estimated to hold at its peak, by where they go. */
export interface JobBytesEstimate {
  data: number;
  parameters: number;
  activations: number;
  total: number;
}

const F32 = 4;
/** MNIST's test split when `dataset.test` is absent (the canonical split has about 2,000; 10,000 is the file). */
const MNIST_TEST = 10_000;
/** Uploaded archives are sized at upload, not in the spec: their images are assumed 3x64x64. */
const UPLOAD_SHAPE = [3, 64, 64] as const;
/** Ten digits plus background: every shipped dataset has at most this many classes. */
const CLASSES = 11;
/** Caption vocabulary: ten digit words plus the special tokens, doubled for slack. */
const VOCABULARY = 32;

type Shape = readonly [number, number, number];

function inputShape(spec: JobSpec): Shape {
  const { dataset } = spec;
  if (isStoredDataset(dataset)) return UPLOAD_SHAPE;
  if (dataset.name === 'mnist') return [1, 28, 28];
  return [1, dataset.size.height, dataset.size.width];
}

function examples(spec: JobSpec): number {
  const { dataset } = spec;
  if (isStoredDataset(dataset)) return 0;
  if (dataset.name === 'mnist') return dataset.train + dataset.validation + (dataset.test ?? MNIST_TEST);
  return dataset.train + dataset.validation + dataset.test;
}

/** Weights and per-example activation values of a network, counted in float32 values. */
interface Cost {
  params: number;
  activations: number;
}

const add = (a: Cost, b: Cost): Cost => ({
  params: a.params + b.params,
  activations: a.activations + b.activations,
});

/** Conv blocks as the network builder makes them; activations count conv, norm, nonlinearity, pool and im2col. */
function convStack(layers: Extract<Architecture, { type: 'cnn' }>['layers'], [c0, h0, w0]: Shape) {
  let [channels, height, width] = [c0, h0, w0];
  let cost: Cost = { params: 0, activations: 0 };
  for (const block of layers) {
    const padding = block.padding === 'same' ? Math.floor(block.kernel / 2) : block.padding;
    height = Math.max(1, Math.floor((height + 2 * padding - block.kernel) / block.stride) + 1);
    width = Math.max(1, Math.floor((width + 2 * padding - block.kernel) / block.stride) + 1);
    const patch = channels * block.kernel * block.kernel;
    const map = block.filters * height * width;
    cost = add(cost, {
      params: block.filters * (patch + 1) + 4 * block.filters,
      activations: 3 * map + patch * height * width,
    });
    height = Math.max(1, Math.floor(height / block.pool));
    width = Math.max(1, Math.floor(width / block.pool));
    channels = block.filters;
    cost.activations += channels * height * width;
  }
  return { cost, shape: [channels, height, width] as Shape };
}

/** Fully connected layers from `inputs` through `widths` to `outputs`, with batchnorm and nonlinearity. */
function dense(inputs: number, widths: readonly number[], outputs: number): Cost {
  let cost: Cost = { params: 0, activations: 0 };
  let width = inputs;
  for (const next of [...widths, outputs]) {
    cost = add(cost, { params: width * next + 5 * next, activations: 4 * next });
    width = next;
  }
  return cost;
}

const size = (shape: Shape) => shape[0] * shape[1] * shape[2];

/** Per-example cost of the architecture on inputs of `shape`. */
function networkCost(arch: Architecture, shape: Shape, flat: number): Cost {
  switch (arch.type) {
    case 'knn':
      return { params: 0, activations: 0 };
    case 'linear':
      return dense(flat, [], CLASSES);
    case 'mlp':
      return dense(flat, arch.hidden, CLASSES);
    case 'cnn': {
      const { cost, shape: out } = convStack(arch.layers, shape);
      return add(cost, dense(size(out), arch.fc, CLASSES));
    }
    case 'localizer': {
      // The class head is a CNN on the warped box; the box head a 3x3 conv, then 5 numbers per cell.
      const { cost, shape: out } = convStack(arch.layers, shape);
      const [, height, width] = out;
      const side = arch.classifier.size;
      const classifier = convStack(arch.classifier.layers, [shape[0], side, side]);
      const trunk = {
        filters: arch.boxChannels,
        kernel: 3,
        stride: 1,
        padding: 1,
        pool: 1,
        batchNorm: false,
      };
      const boxHead = convStack([trunk], out);
      const cells = { params: 5 * (arch.boxChannels + 1), activations: 5 * height * width };
      const classHead = add(classifier.cost, dense(size(classifier.shape), arch.fc, CLASSES));
      return add(add(add(cost, classHead), boxHead.cost), cells);
    }
    case 'sliding-window':
    case 'rcnn': {
      // Each window or proposal crop is a forward pass of its own; a training step holds a batch of crops.
      const side = arch.type === 'rcnn' ? arch.warpSize : arch.window.size;
      const { cost, shape: out } = convStack(arch.layers, [shape[0], side, side]);
      return add(cost, dense(size(out), arch.fc, CLASSES + 4));
    }
    case 'fast-rcnn':
    case 'faster-rcnn':
    case 'mask-rcnn':
      return regionCost(arch, shape);
    case 'captioner': {
      const { cost, shape: out } = convStack(arch.layers, shape);
      const gates = arch.cell === 'lstm' ? 4 : 1;
      const recurrent = (arch.wordvecDim + arch.hiddenDim + 1) * gates * arch.hiddenDim;
      const attention = arch.attention ? out[0] * arch.hiddenDim * 2 : 0;
      const read = arch.hiddenDim + (arch.attention ? out[0] : 0);
      const deep = arch.deepOutput ? (read + arch.wordvecDim + 1) * arch.deepOutput : 0;
      const params =
        size(out) * arch.hiddenDim +
        VOCABULARY * arch.wordvecDim +
        recurrent +
        attention +
        deep +
        (arch.deepOutput ?? read) * VOCABULARY;
      const perStep =
        (gates + 2) * arch.hiddenDim +
        arch.wordvecDim +
        VOCABULARY +
        (arch.deepOutput ?? 0) +
        (arch.attention ? size(out) : 0);
      return add(cost, { params, activations: arch.maxLength * perStep });
    }
    case 'captioner-ensemble':
      // Trains nothing: its members are published models, scored one batch at a time.
      return { params: 0, activations: 0 };
  }
}

/** The channels RoI features stack when a head reads conv `blocks` (default: the last block). */
function mapChannels(layers: Extract<Architecture, { type: 'cnn' }>['layers'], blocks: number[] | undefined) {
  const read = blocks ?? [layers.length - 1];
  return read.reduce((sum, b) => sum + (layers[b]?.filters ?? 0), 0);
}

/** One backbone pass, the RPN, RoI features through the box head, and the mask head's convolutions. */
function regionCost(
  arch: Extract<Architecture, { type: 'fast-rcnn' | 'faster-rcnn' | 'mask-rcnn' }>,
  shape: Shape,
) {
  const { cost: backbone, shape: features } = convStack(arch.layers, shape);
  const [c, h, w] = features;
  const roiSide = arch.type === 'fast-rcnn' ? arch.roiPool.output : arch.roiAlign.output;
  const rois = arch.roiHeads.batchSizePerImage;
  const boxChannels = mapChannels(arch.layers, arch.roiMaps);
  const head = dense(boxChannels * roiSide * roiSide, arch.fc, CLASSES * 5);
  let cost = add(backbone, {
    params: head.params,
    activations: rois * (boxChannels * roiSide * roiSide + head.activations),
  });
  if (arch.type !== 'fast-rcnn') {
    const anchors = arch.anchors.sizes.length * arch.anchors.ratios.length;
    const k = arch.rpn.channels;
    cost = add(cost, {
      params: k * (c * 9 + 1) + (k + 1) * anchors * 5,
      activations: h * w * (3 * k + 9 * c + anchors * 5 * 2),
    });
  }
  if (arch.type === 'mask-rcnn') {
    const m = arch.maskHead;
    const positives = Math.ceil(rois * arch.roiHeads.positiveFraction);
    const inputs = mapChannels(arch.layers, m.maps ?? arch.roiMaps);
    const convs = m.convs * m.channels * (Math.max(inputs, m.channels) * 9 + 1) + m.channels * m.channels * 4;
    const perRoi =
      (m.convs * 2 + 1) * m.channels * m.roiOutput ** 2 + (m.channels + CLASSES) * m.resolution ** 2;
    cost = add(cost, { params: convs + m.channels * CLASSES, activations: positives * perRoi });
  }
  return cost;
}

/** Per-parameter values an optimiser keeps besides the weights and their gradients. */
function optimizerSlots(optimizer: JobSpec['optimizer']): number {
  switch (optimizer.type) {
    case 'sgd':
      return 0;
    case 'momentum':
    case 'nesterov':
    case 'adagrad':
    case 'rmsprop':
      return 1;
    case 'adam':
      return 2;
    case 'lbfgs':
      return 2 * optimizer.historySize + 3;
  }
}

/**
 * A conservative estimate of a job's peak memory from its spec alone, all values float32 (4 bytes):
 * - data: every example the spec asks for (train + validation + test) x C x H x W, twice (raw and
 *   preprocessed), twice again for segmentation (a mask value per pixel); a PCA adds D x D twice;
 *   k-NN adds its (validation + test) x train distance matrix;
 * - parameters: the architecture's weights from its widths, x (weights + gradients + optimizer slots);
 * - activations: batch size x every layer's outputs (and im2col patches) per example, x 2 for their gradients.
 * Stored datasets are sized at upload: their data counts 0 here and their images 3x64x64.
 */
export function estimateJobBytes(spec: JobSpec): JobBytesEstimate {
  const shape = inputShape(spec);
  const count = examples(spec);
  const flat = spec.preprocessing.pca?.components ?? size(shape);
  let dataValues = count * size(shape) * 2 * (spec.task === 'segment' ? 2 : 1);
  if (spec.preprocessing.pca !== undefined) dataValues += 2 * size(shape) ** 2;
  if (spec.architecture.type === 'knn' && !isStoredDataset(spec.dataset)) {
    dataValues += (count - spec.dataset.train) * spec.dataset.train;
  }
  const cost = networkCost(spec.architecture, shape, flat);
  const data = dataValues * F32;
  const parameters = cost.params * (2 + optimizerSlots(spec.optimizer)) * F32;
  const activations = spec.schedule.batchSize * cost.activations * 2 * F32;
  return { data, parameters, activations, total: data + parameters + activations };
}
