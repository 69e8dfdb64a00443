export { boxArea, boxIou, pairwiseIou } from './iou.js';
