export {
  type AnchorGenerator,
  anchorGenerator,
  type GridSize,
  generateAnchors,
  gridAnchors,
} from './anchors.js';
export { batchedNms } from './batched-nms.js';
export {
  BBOX_XFORM_CLIP,
  type BoxCoderWeights,
  decodeBoxes,
  encodeBoxes,
  ROI_HEADS_BOX_WEIGHTS,
  RPN_BOX_WEIGHTS,
} from './box-coder.js';
export { clipBoxes } from './clip.js';
export { suppressContained } from './contained.js';
export { type FlatBoxes, packBoxes } from './flat.js';
export { boxArea, boxIou, pairwiseIou } from './iou.js';
export { nms } from './nms.js';
export { removeSmallBoxes } from './remove-small.js';
