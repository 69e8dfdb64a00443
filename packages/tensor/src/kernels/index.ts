export { type Conv2dGeometry, type Conv2dParams, conv2dGeometry } from './conv-geometry.js';
export { type ConvScratch, convScratch } from './conv-scratch.js';
export { type ConvGrads, conv2dBackward, conv2dForward } from './conv2d.js';
export { col2im, im2col } from './im2col.js';
