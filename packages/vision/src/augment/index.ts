export {
  type CanvasObject,
  type CanvasTransform,
  canvasTransform,
  transformBox,
  transformMask,
  transformObjects,
  transformPlane,
} from './box-geometry.js';
export { type ColorJitterOptions, colorJitter } from './color-jitter.js';
export { type RandomCropOptions, randomCrop } from './crop.js';
export { horizontalFlip, mirror } from './flip.js';
export { gaussianBlur } from './gaussian-blur.js';
export {
  drawEncoding,
  encodePhoto,
  type JpegOptions,
  jpegRoundTrip,
  type PhotoEncoding,
  photoLikeAsync,
} from './jpeg.js';
export { decodedGrey, jpegGreyRoundTrip, jpegLuminanceTable } from './jpeg-grey.js';
export { type CanvasSample, type PhotoLikeOptions, type PhotoSample, photoLike } from './photo-like.js';
export {
  type PhotoUpload,
  type PhotoUploadOptions,
  photoLikeUpload,
  UPLOAD_JPEG_QUALITY,
} from './photo-upload.js';
export { type Augmentation, type AugmentationSpec, augmentation } from './pipeline.js';
export { type RandomErasingOptions, randomErasing } from './random-erasing.js';
export type { Range } from './random-range.js';
export { type RandomResizedCropOptions, randomResizedCrop } from './resized-crop.js';
