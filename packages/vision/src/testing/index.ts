export { bombPng } from './bomb-png.js';
export { greyImage } from './grey-image.js';
