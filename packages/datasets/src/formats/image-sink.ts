import type { Split } from '@ocellus/contracts';

/** Pixels as decoded: interleaved HWC, 8 bits per channel. */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/** Where a format reader puts what it finds; `file` is the path inside the upload, for the rejected list. */
export interface ImageSink {
  /** An encoded image file: decoded, or listed as rejected with the reason. */
  addFile(path: string, file: string, label: number, split: Split | null): Promise<void>;
  addPixels(pixels: Pixels, label: number, split: Split | null): Promise<void>;
  reject(file: string, reason: string): void;
}

/** Reads one format from an extracted folder into `sink`; returns the class names, index i naming label i. */
export type FormatReader = (root: string, sink: ImageSink) => Promise<string[]>;
