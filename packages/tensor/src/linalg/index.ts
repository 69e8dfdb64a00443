export { type Eigh, eigh } from './eigh.js';
export { type Svd, svd } from './svd.js';
