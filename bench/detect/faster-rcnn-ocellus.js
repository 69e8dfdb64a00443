// Ocellus's Faster R-CNN as torch-side-by-side.js and profile.js time it: built and trained through the
// family's public API (FasterRcnn.create, fit) on the bench's digit scenes, its training steps timed from
// fit's per-step progress, then its inference timed on the same scenes.
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { FasterRcnn } from '@ocellus/models';
import { ops } from '@ocellus/tensor';
import { gatherBatch } from '@ocellus/vision/datasets';
import { MNIST_LABELS } from '@ocellus/vision/mnist';
import { digitScenes } from '@ocellus/vision/scenes';
import { measureCalls } from '../lenet/harness.js';

/**
 * Steps before the timed ones, and timed steps:
 * the minimum of torch_peer.py's measure_calls, which PyTorch's side uses.
 */
export const WARM_STEPS = 3;
export const TIMED_STEPS = 5;

/** Test-split 128x128 digit scenes (REFERENCE.md "Digit scenes"), seeded. */
export const benchScenes = (count, seed) => digitScenes({ split: 'test', count, seed });

/**
 * The stored spec as the timing runs it: one epoch of `batch`-scene steps and no photo-like augmentation
 * (torchvision's side trains on the scenes as they are).
 */
export function timingSpec(stored, batch) {
  return defaultJobSpecSchema.parse({
    ...stored,
    augmentation: { ...stored.augmentation, photoLike: false },
    schedule: { ...stored.schedule, epochs: 1, batchSize: batch },
  });
}

/** The first `count` scenes as detect training data (validation: the first batch, evaluated once, untimed). */
function sceneData(scenes, count, batch) {
  const all = Int32Array.from({ length: count }, (_, i) => i);
  return {
    task: 'detect',
    set: scenes.set,
    train: all,
    validation: all.subarray(0, batch),
    labels: MNIST_LABELS,
    targets: (indices) =>
      Array.from(indices, (i) => ({
        objects: scenes.objects[i].map((o) => ({ index: o.index, box: [...o.box] })),
      })),
    imageFormat: 'digit-scene',
  };
}

/**
 * A fresh model trained for `steps` steps of `spec.schedule.batchSize` scenes; `stepSeconds` are the
 * wall times between consecutive steps' progress reports (a step: the batch gathered, forward, the four
 * losses, backward, the optimiser's update), the first `WARM_STEPS` left out; `cpuSeconds` the process's
 * mean CPU time (all threads) per step over the same steps.
 */
export async function trainedModel(spec, scenes, steps) {
  const batch = spec.schedule.batchSize;
  const data = sceneData(scenes, steps * batch, batch);
  const model = FasterRcnn.create(spec, data);
  const stamps = [];
  const stamp = () => ({ wall: performance.now(), cpu: process.cpuUsage() });
  // The epoch's report repeats the last step's number after validation; the step's own comes first.
  await model.fit(data, spec, { onProgress: (p) => (stamps[p.step] ??= stamp()) });
  const stepSeconds = [];
  for (let k = WARM_STEPS + 1; k <= steps; k++)
    stepSeconds.push((stamps[k].wall - stamps[k - 1].wall) / 1000);
  const cpu = ({ user, system }) => (user + system) / 1e6;
  const cpuSeconds = (cpu(stamps[steps].cpu) - cpu(stamps[WARM_STEPS].cpu)) / (steps - WARM_STEPS);
  return { model, stepSeconds, cpuSeconds };
}

/** The scenes as input tensors of `batch` scenes each (a trailing partial batch left out). */
function inputBatches(scenes, batch) {
  const groups = [];
  for (let start = 0; start + batch <= scenes.set.size; start += batch) {
    const indices = Int32Array.from({ length: batch }, (_, i) => start + i);
    groups.push(gatherBatch(scenes.set, indices).inputs);
  }
  return groups;
}

/** Median wall and mean CPU seconds per scene of `model.predict` at `batch`, cycling over the scenes. */
export async function inferSeconds(model, scenes, batch, budget) {
  const groups = inputBatches(scenes, batch);
  let next = 0;
  const m = await measureCalls(() => model.predict(groups[next++ % groups.length]), budget);
  return { seconds: m.seconds / batch, cpuSeconds: m.cpuSeconds / batch };
}

/**
 * RoIs the box head pooled and detections kept, per scene, over one pass at `batch`. The model keeps its
 * proposals to itself, so the RoIs are counted where they meet the `roiAlign` primitive.
 */
export function roisAndDetections(model, scenes, batch) {
  const groups = inputBatches(scenes, batch);
  const original = ops.roiAlign;
  let rois = 0;
  let detections = 0;
  ops.roiAlign = {
    ...original,
    run: (inputs, attrs) => {
      rois += inputs[1].shape[0];
      return original.run(inputs, attrs);
    },
  };
  try {
    for (const inputs of groups) {
      for (const { detections: found } of model.predict(inputs)) detections += found.length;
    }
  } finally {
    ops.roiAlign = original;
  }
  // The box head RoIAligns each RoI once per map it reads.
  const counted = groups.length * batch * (model.architecture.roiMaps?.length ?? 1);
  return { roisPerScene: rois / counted, detectionsPerScene: detections / (groups.length * batch) };
}

/** Scenes for the PyTorch side: float32 pixels [N, C, H, W] as bytes, and their shape and objects. */
export function scenesForPython(scenes) {
  const { channels, height, width, size, images } = scenes.set;
  const pixels = images.subarray(0, size * channels * height * width);
  const objects = scenes.objects.map((own) => own.map(({ index, box }) => ({ index, box })));
  return {
    pixels: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength),
    meta: { channels, height, width, objects },
  };
}

/** The model's weights for the PyTorch side: float32 values one after another, and each one's name and shape. */
export function weightsForPython(model) {
  const entries = Object.entries(model.toArtifact().tensors);
  const values = entries.map(([, t]) => Float32Array.from(t.values()));
  return {
    values: Buffer.concat(values.map((v) => Buffer.from(v.buffer))),
    names: entries.map(([name, t]) => ({ name, shape: t.shape })),
  };
}
