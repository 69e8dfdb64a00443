export { type Conv2dGeometry, type Conv2dParams, conv2dGeometry } from './conv-geometry.js';
export { col2im, im2col } from './im2col.js';
