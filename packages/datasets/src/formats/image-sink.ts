import type { Split, StoredObject } from '@ocellus/contracts';

/** Pixels as decoded: interleaved HWC, 8 bits per channel. */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/**
 * What a document says of an image: the objects annotated on it at the given size, in its pixels (coco), or
 * its captions, the first one the training caption (captions; a size given there is checked too).
 */
export type ImageAnnotation =
  | { width: number; height: number; objects: StoredObject[] }
  | { width?: number; height?: number; captions: string[] };

/** Where a format reader puts what it finds; `file` is the path inside the upload, for the rejected list. */
export interface ImageSink {
  /** An encoded image file: decoded, or listed as rejected with the reason; its objects follow any shrinking. */
  addFile(
    path: string,
    file: string,
    label: number,
    split: Split | null,
    annotation?: ImageAnnotation,
  ): Promise<void>;
  addPixels(pixels: Pixels, label: number, split: Split | null): Promise<void>;
  reject(file: string, reason: string): void;
}

/** Reads one format from an extracted folder into `sink`; returns the class names, index i naming label i. */
export type FormatReader = (root: string, sink: ImageSink) => Promise<string[]>;
