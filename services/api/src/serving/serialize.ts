import type { Box, InferenceOptions, InputSpec, Task, TaskResult } from '@ocellus/contracts';
import type { DetectionOutput, TaskOutputs } from '../model-port.js';
import { scaledMaskRle } from './masks.js';

export interface SerializeContext<T extends Task> {
  labels: readonly string[];
  input: InputSpec;
  /** The upload's size: boxes and masks are given in its pixels. */
  image: { width: number; height: number };
  options: InferenceOptions<T>;
}

type Serializer<T extends Task> = (output: TaskOutputs[T], context: SerializeContext<T>) => TaskResult<T>;

const labelOf = (labels: readonly string[], index: number) => labels[index] ?? String(index);

/** From model-input pixels to upload pixels, clipped to the image. */
function toImageBox(box: Box, { input, image }: SerializeContext<Task>): Box {
  const sx = image.width / input.width;
  const sy = image.height / input.height;
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return [
    clip(box[0] * sx, image.width),
    clip(box[1] * sy, image.height),
    clip(box[2] * sx, image.width),
    clip(box[3] * sy, image.height),
  ];
}

/** A located object as the API reports it: its label, and its box in upload pixels. */
function labelledBox(d: DetectionOutput, context: SerializeContext<Task>) {
  return {
    label: labelOf(context.labels, d.index),
    index: d.index,
    score: d.score,
    box: toImageBox(d.box, context),
  };
}

function kept<D extends DetectionOutput>(
  detections: readonly D[],
  options: { scoreThreshold: number; maxDetections: number },
): D[] {
  return detections
    .filter((d) => d.score >= options.scoreThreshold)
    .sort((a, b) => b.score - a.score)
    .slice(0, options.maxDetections);
}

const serializers: { [T in Task]: Serializer<T> } = {
  classify: ({ probabilities }, { labels, image, options }) => {
    const order = Array.from(probabilities.keys()).sort((a, b) => probabilities[b]! - probabilities[a]!);
    return {
      image,
      predictions: order
        .slice(0, options.topk)
        .map((index) => ({ label: labelOf(labels, index), index, score: probabilities[index]! })),
    };
  },
  localize: (output, context) => ({ image: context.image, ...labelledBox(output, context) }),
  detect: ({ detections }, context) => ({
    image: context.image,
    detections: kept(detections, context.options).map((d) => labelledBox(d, context)),
  }),
  segment: ({ detections }, context) => ({
    image: context.image,
    detections: kept(detections, context.options).map((d) => ({
      ...labelledBox(d, context),
      mask: scaledMaskRle(d.mask, context.options.maskThreshold, context.image.height, context.image.width),
    })),
  }),
  caption: ({ tokens, score, attention }, { image, options }) => ({
    image,
    caption: tokens.join(' '),
    tokens,
    score,
    ...(options.attention && attention !== undefined ? { attention } : {}),
  }),
};

/** A model output as the API's per-image result for its task. */
export function serializeOutput<T extends Task>(
  task: T,
  output: TaskOutputs[T],
  context: SerializeContext<T>,
): TaskResult<T> {
  return serializers[task](output, context);
}
