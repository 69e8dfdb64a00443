export {
  type CocoCaptionImage,
  type CocoCaptions,
  type CocoImageCaptions,
  cocoCaptionsSchema,
  cocoImageCaptions,
  parseCocoCaptions,
} from './captions.js';
export { COCO_ANNOTATIONS_FILE, COCO_IMAGES_FOLDER, readCocoScenes, writeCocoScenes } from './files.js';
export {
  type CocoAnnotations,
  type CocoImageObjects,
  type CocoObject,
  cocoAnnotations,
} from './from-coco.js';
export { CocoFormatError, parseCocoInstances } from './parse.js';
export { rasterisePolygons } from './polygon.js';
export {
  type CocoAnnotation,
  type CocoCategory,
  type CocoImage,
  type CocoInstances,
  type CocoSegmentation,
  cocoInstancesSchema,
} from './schema.js';
export { type CocoExportOptions, toCocoInstances } from './to-coco.js';
