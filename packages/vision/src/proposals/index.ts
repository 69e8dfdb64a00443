export { type ColourSpace, defaultColourSpaces, toColourSpace } from './colour-spaces.js';
export {
  DEFAULT_MIN_SIZE,
  DEFAULT_SIGMA,
  type FelzenszwalbOptions,
  felzenszwalb,
  type Segmentation,
  segmentGraph,
} from './felzenszwalb.js';
export { type Hierarchy, hierarchicalGrouping, type RegionHistograms } from './hierarchical-grouping.js';
export { COLOUR_BINS, colourHistograms } from './histograms.js';
export { type PixelGraph, pixelGraph } from './pixel-graph.js';
export type { ImagePlanes } from './planes.js';
export { type InitialRegions, initialRegions } from './regions.js';
export {
  DEFAULT_KS,
  type Proposals,
  type SelectiveSearchOptions,
  selectiveSearch,
} from './selective-search.js';
export {
  FAST_SIMILARITIES,
  fillSimilarity,
  histogramIntersection,
  type SimilarityMeasures,
  sizeSimilarity,
} from './similarity.js';
