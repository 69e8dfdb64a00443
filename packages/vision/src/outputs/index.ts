export { type DetectionFilter, keepDetections } from './detections.js';
export { type BoxMask, pasteMaskRle } from './paste-mask.js';
export { topK } from './top-k.js';
