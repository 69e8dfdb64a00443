import { noGrad, softmax, Tensor } from '@ocellus/tensor';
import { resamplePlane } from '@ocellus/vision/image';
import type { WindowNet } from './window-net.js';

/** A window of one pyramid level that some object class scores above the threshold. */
export interface Candidate {
  /** The window in image pixels: top-left corner and its width and height (square up to rounding). */
  x: number;
  y: number;
  width: number;
  height: number;
  index: number;
  score: number;
  /** The window's box code (see `encodeInWindow`). */
  code: [number, number, number, number];
}

/** `batch` [N, C, H, W] resized to `width x height`, plane by plane. */
function resized(batch: Tensor, width: number, height: number): Tensor {
  const [n, c, h, w] = batch.shape as [number, number, number, number];
  if (width === w && height === h) return batch;
  const values = batch.values();
  const out = new Float32Array(n * c * width * height);
  for (let p = 0; p < n * c; p++) {
    out.set(
      resamplePlane(values.subarray(p * h * w, (p + 1) * h * w) as Float32Array, w, h, width, height),
      p * width * height,
    );
  }
  return new Tensor(out, [n, c, height, width]);
}

/**
 * Runs the window classifier once per pyramid level (the image scaled so a `side`-pixel window becomes
 * the net's input) and returns, per image, every window and object class scoring above `threshold`.
 */
export function scanPyramid(
  net: WindowNet,
  batch: Tensor,
  options: { size: number; sides: readonly number[]; threshold: number; classes: number },
): Candidate[][] {
  const [n, , h, w] = batch.shape as [number, number, number, number];
  const { size, threshold, classes } = options;
  const found: Candidate[][] = Array.from({ length: n }, () => []);
  noGrad(() => {
    net.eval();
    for (const side of options.sides) {
      const width = Math.max(size, Math.round((w * size) / side));
      const height = Math.max(size, Math.round((h * size) / side));
      const fx = width / w;
      const fy = height / h;
      const out = net.forward(resized(batch, width, height));
      const [, k, gh, gw] = out.logits.shape as [number, number, number, number];
      const probabilities = softmax(out.logits, 1).values();
      const codes = out.box.values();
      const cells = gh * gw;
      for (let image = 0; image < n; image++) {
        for (let cell = 0; cell < cells; cell++) {
          for (let c = 0; c < classes; c++) {
            const score = probabilities[(image * k + c) * cells + cell]!;
            if (!(score > threshold)) continue;
            const at = image * 4 * cells + cell;
            found[image]!.push({
              x: ((cell % gw) * net.stride) / fx,
              y: (Math.floor(cell / gw) * net.stride) / fy,
              width: size / fx,
              height: size / fy,
              index: c,
              score,
              code: [codes[at]!, codes[at + cells]!, codes[at + 2 * cells]!, codes[at + 3 * cells]!],
            });
          }
        }
      }
    }
  });
  return found;
}
