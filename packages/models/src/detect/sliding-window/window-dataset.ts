import type { Box } from '@ocellus/contracts';
import type { Batch, IndexedDataset } from '@ocellus/nn/train';
import { Rng, Tensor } from '@ocellus/tensor';
import { type ImageSet, imageIndices } from '@ocellus/vision/datasets';
import type { SlidingWindowArchitecture } from './architecture.js';
import { encodeInWindow, type Window } from './framing.js';
import { cropWindow } from './window-crop.js';
import { sampleWindows } from './window-sampler.js';

/** A batch's targets: each window's class (`background` for none), and the box codes of the object windows. */
export interface WindowTargets {
  classes: Int32Array;
  /** Rows of the batch that frame an object, and their box codes [positives.length, 4]. */
  positives: Int32Array;
  boxes: Tensor;
}

export interface WindowDatasetOptions {
  indices: Int32Array;
  targets: (indices: Int32Array) => { objects: { index: number; box: Box }[] }[];
  arch: SlidingWindowArchitecture;
  /** The class index of background (the number of object classes). */
  background: number;
  /** Hard negatives mined so far, by image index in the set. */
  hardNegatives?: ReadonlyMap<number, readonly Window[]>;
  /** Draw each image's windows from a generator seeded by this and the image, not the run's (validation). */
  fixedSeed?: number;
}

/** Training windows of whole images, cropped and resized to the classifier's input; one dataset item per image. */
export class WindowDataset implements IndexedDataset<WindowTargets> {
  constructor(
    private readonly set: ImageSet,
    private readonly options: WindowDatasetOptions,
  ) {}

  get size(): number {
    return this.options.indices.length;
  }

  batch(positions: Int32Array, rng: Rng): Batch<WindowTargets> {
    const { indices, arch, background, hardNegatives, fixedSeed } = this.options;
    const chosen = imageIndices(positions, indices.length, indices);
    const targets = this.options.targets(chosen);
    const image = { width: this.set.width, height: this.set.height };
    const windows = Array.from(chosen, (index, i) => {
      const draw = fixedSeed === undefined ? rng : new Rng(fixedSeed * 1_000_003 + index);
      const objects = targets[i]!.objects;
      return sampleWindows(objects, image, arch, draw, hardNegatives?.get(index)).map((w) => ({
        ...w,
        index,
        objects,
      }));
    }).flat();
    const size = arch.window.size;
    const plane = this.set.channels * size * size;
    const inputs = new Float32Array(windows.length * plane);
    const classes = new Int32Array(windows.length);
    const positives: number[] = [];
    const codes: number[] = [];
    const code = new Float32Array(4);
    windows.forEach(({ window, object, index, objects }, row) => {
      cropWindow(this.set, index, window, size, inputs, row * plane);
      if (object < 0) {
        classes[row] = background;
        return;
      }
      classes[row] = objects[object]!.index;
      positives.push(row);
      encodeInWindow(objects[object]!.box, window, code, 0);
      codes.push(...code);
    });
    return {
      inputs: new Tensor(inputs, [windows.length, this.set.channels, size, size]),
      targets: {
        classes,
        positives: Int32Array.from(positives),
        boxes: new Tensor(Float32Array.from(codes), [positives.length, 4]),
      },
      size: windows.length,
    };
  }
}
