import { allocateLike, boxCount, type FlatBoxes } from './flat.js';

/** `(wx, wy, ww, wh)`, the weights of torchvision's `BoxCoder`. */
export type BoxCoderWeights = readonly [number, number, number, number];

/** torchvision's RPN box coder weights. */
export const RPN_BOX_WEIGHTS: BoxCoderWeights = [1, 1, 1, 1];
/** torchvision's RoI heads box coder weights. */
export const ROI_HEADS_BOX_WEIGHTS: BoxCoderWeights = [10, 10, 5, 5];
/** torchvision's `bbox_xform_clip`: dw and dh are clamped here before `exp`. */
export const BBOX_XFORM_CLIP = Math.log(1000 / 16);

/**
 * Regression targets of each reference box against the proposal at the same index (torchvision
 * `encode_boxes`, `BoxCoder.encode`): dx = wx (gx - px) / pw, dy = wy (gy - py) / ph,
 * dw = ww log(gw / pw), dh = wh log(gh / ph), with widths x2 - x1 (no +1) and centres x1 + w / 2.
 * `referenceBoxes` are the matched ground truth; `proposals` the anchors or proposals.
 */
export function encodeBoxes<T extends FlatBoxes>(
  referenceBoxes: T,
  proposals: FlatBoxes,
  weights: BoxCoderWeights,
): T {
  const n = boxCount(referenceBoxes, 'encodeBoxes');
  if (boxCount(proposals, 'encodeBoxes') !== n) {
    throw new RangeError(`encodeBoxes: ${n} reference boxes but ${proposals.length / 4} proposals`);
  }
  const [wx, wy, ww, wh] = weights;
  const targets = allocateLike(referenceBoxes, n * 4);
  for (let o = 0; o < n * 4; o += 4) {
    const pw = proposals[o + 2]! - proposals[o]!;
    const ph = proposals[o + 3]! - proposals[o + 1]!;
    const px = proposals[o]! + 0.5 * pw;
    const py = proposals[o + 1]! + 0.5 * ph;
    const gw = referenceBoxes[o + 2]! - referenceBoxes[o]!;
    const gh = referenceBoxes[o + 3]! - referenceBoxes[o + 1]!;
    const gx = referenceBoxes[o]! + 0.5 * gw;
    const gy = referenceBoxes[o + 1]! + 0.5 * gh;
    targets[o] = (wx * (gx - px)) / pw;
    targets[o + 1] = (wy * (gy - py)) / ph;
    targets[o + 2] = ww * Math.log(gw / pw);
    targets[o + 3] = wh * Math.log(gh / ph);
  }
  return targets;
}

/**
 * Boxes from regression deltas (torchvision `BoxCoder.decode_single`). `deltas` holds C groups of
 * `(dx, dy, dw, dh)` per proposal (length 4 * C * N, e.g. one group per class from a box
 * predictor); the result has the same layout, each group decoded against its proposal. dw and dh
 * are divided by their weights, then clamped at `clamp` before `exp`.
 */
export function decodeBoxes<T extends FlatBoxes>(
  deltas: T,
  proposals: FlatBoxes,
  weights: BoxCoderWeights,
  clamp = BBOX_XFORM_CLIP,
): T {
  const n = boxCount(proposals, 'decodeBoxes');
  const groups = n === 0 ? 0 : deltas.length / (4 * n);
  if (!Number.isInteger(groups) || (n === 0 && deltas.length !== 0)) {
    throw new RangeError(
      `decodeBoxes: ${deltas.length} deltas do not divide into 4 a box for ${n} proposals`,
    );
  }
  const [wx, wy, ww, wh] = weights;
  const boxes = allocateLike(deltas, deltas.length);
  for (let i = 0; i < n; i++) {
    const width = proposals[i * 4 + 2]! - proposals[i * 4]!;
    const height = proposals[i * 4 + 3]! - proposals[i * 4 + 1]!;
    const cx = proposals[i * 4]! + 0.5 * width;
    const cy = proposals[i * 4 + 1]! + 0.5 * height;
    for (let o = i * groups * 4; o < (i + 1) * groups * 4; o += 4) {
      const x = (deltas[o]! / wx) * width + cx;
      const y = (deltas[o + 1]! / wy) * height + cy;
      const halfW = 0.5 * (Math.exp(Math.min(deltas[o + 2]! / ww, clamp)) * width);
      const halfH = 0.5 * (Math.exp(Math.min(deltas[o + 3]! / wh, clamp)) * height);
      boxes[o] = x - halfW;
      boxes[o + 1] = y - halfH;
      boxes[o + 2] = x + halfW;
      boxes[o + 3] = y + halfH;
    }
  }
  return boxes;
}
