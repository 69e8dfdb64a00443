import type { InferenceOptions, Task, TaskResult } from '@ocellus/contracts';
import { type InputGeometry, toUploadBox } from '@ocellus/vision/geometry';
import { keepDetections, pasteMaskRle, topK } from '@ocellus/vision/outputs';
import type { ComputeOptions, Detection, TaskOutputs } from './types.js';

/** What turns one image's raw model output into the API's result: the request and where the input came from. */
export interface SerializeContext<T extends Task> {
  labels: readonly string[];
  /** Model-input size (the frame attention grids cover). */
  input: { width: number; height: number };
  /** Model-input pixels to upload pixels. */
  geometry: InputGeometry;
  options: InferenceOptions<T>;
}

type Serializer<T extends Task> = (output: TaskOutputs[T], context: SerializeContext<T>) => TaskResult<T>;

const labelOf = (labels: readonly string[], index: number) => labels[index] ?? String(index);

function labelledBox(d: Detection, { labels, geometry }: SerializeContext<Task>) {
  return {
    label: labelOf(labels, d.index),
    index: d.index,
    score: d.score,
    box: toUploadBox(d.box, geometry),
  };
}

const imageOf = ({ geometry }: SerializeContext<Task>) => ({
  width: geometry.width,
  height: geometry.height,
});

const serializers: { [T in Task]: Serializer<T> } = {
  classify: ({ scores }, context) => ({
    image: imageOf(context),
    predictions: topK(scores, context.options.topk).map((index) => ({
      label: labelOf(context.labels, index),
      index,
      score: scores[index]!,
    })),
  }),
  localize: ({ box, scores }, context) => {
    const [index = 0] = topK(scores, 1);
    return { image: imageOf(context), ...labelledBox({ index, score: scores[index] ?? 0, box }, context) };
  },
  detect: ({ detections }, context) => ({
    image: imageOf(context),
    detections: keepDetections(detections, context.options).map((d) => labelledBox(d, context)),
  }),
  segment: ({ detections }, context) => {
    const { height, width } = context.geometry;
    return {
      image: imageOf(context),
      detections: keepDetections(detections, context.options).map((d) => {
        const found = labelledBox(d, context);
        return {
          ...found,
          mask: pasteMaskRle(d.mask, found.box, context.options.maskThreshold, height, width),
        };
      }),
    };
  },
  caption: ({ tokens, logProb, attention }, context) => {
    const words = Array.from(tokens, (t) => labelOf(context.labels, t));
    const { width, height } = context.input;
    return {
      image: imageOf(context),
      caption: words.join(' '),
      tokens: words,
      score: logProb,
      ...(context.options.attention && attention !== undefined
        ? {
            attention: attention.weights.map((w) => Array.from(w)),
            attentionGrid: {
              size: attention.grid,
              box: toUploadBox([0, 0, width, height], context.geometry),
            },
          }
        : {}),
    };
  },
};

/** One image's model output as the API's result for its task, in upload pixels, with the request's options. */
export function serializeResult<T extends Task>(
  task: T,
  output: TaskOutputs[T],
  context: SerializeContext<T>,
): TaskResult<T> {
  return serializers[task](output, context);
}

/** The request options that change what the model computes (the rest apply to its outputs). */
export function computeOptionsOf(options: InferenceOptions<Task>): ComputeOptions {
  return 'beam' in options ? { beam: options.beam, attention: options.attention } : {};
}
