export { type ColourSpace, defaultColourSpaces, toColourSpace } from './colour-spaces.js';
export {
  DEFAULT_MIN_SIZE,
  DEFAULT_SIGMA,
  type FelzenszwalbOptions,
  felzenszwalb,
  type Segmentation,
  segmentGraph,
} from './felzenszwalb.js';
export { type PixelGraph, pixelGraph } from './pixel-graph.js';
export type { ImagePlanes } from './planes.js';
