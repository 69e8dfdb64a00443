import { createHash, type Hash } from 'node:crypto';
import { type FileHandle, open, readFile, stat } from 'node:fs/promises';
import type { RejectedFile, Split, StoredObject } from '@ocellus/contracts';
import { decodeImage, ImageError } from '@ocellus/vision/image';
import { DatasetError, overLimit } from '../errors.js';
import type { ImageAnnotation, ImageSink, Pixels } from '../formats/image-sink.js';
import type { ImportLimits } from '../limits.js';
import { scaleObjects } from './scale-objects.js';

export const IMAGES_FILE = 'images.bin';
/** Int32 little-endian, RECORD_FIELDS per image: width, height, channels, label, split. */
export const INDEX_FILE = 'index.bin';
export const RECORD_FIELDS = 5;
/** Each image's objects (coco), as `storedAnnotationsSchema`. */
export const ANNOTATIONS_FILE = 'annotations.json';
/** Each image's captions (captions), as `storedCaptionsSchema`. */
export const CAPTIONS_FILE = 'captions.json';
export const SPLIT_CODES: readonly Split[] = ['train', 'validation', 'test'];
/** In the split column while the split is not yet drawn. */
export const NO_SPLIT = -1;

const FLUSH_BYTES = 4 * 1024 * 1024;
const MAX_LISTED_REJECTS = 100;

export interface WriterOptions {
  strict: boolean;
  maxSide: number;
  limits: ImportLimits;
}

/** What was written: one record per image, in `images.bin` order. */
export interface WrittenImages {
  records: Int32Array;
  count: number;
  /** sha256 of each image's size and pixels, for duplicates across splits. */
  pixelHashes: string[];
  images: { bytes: number; sha256: string };
  rejected: { count: number; files: RejectedFile[] };
  /** Each image's objects in stored pixels, when the format annotates them (coco). */
  objects: StoredObject[][] | null;
  /** Each image's captions, when the format has them (captions). */
  captions: string[][] | null;
}

/** The ImageSink of an import: appends pixels to `images.bin` (hashed as written), decoding files on the way. */
export class DatasetWriter implements ImageSink {
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private bytes = 0;
  private readonly fileHash: Hash = createHash('sha256');
  private readonly records: number[] = [];
  private readonly pixelHashes: string[] = [];
  private readonly rejectedFiles: RejectedFile[] = [];
  private rejectedCount = 0;
  private readonly objects: StoredObject[][] = [];
  private annotated = false;
  private readonly captions: string[][] = [];

  private constructor(
    private readonly handle: FileHandle,
    private readonly options: WriterOptions,
  ) {}

  static async create(path: string, options: WriterOptions): Promise<DatasetWriter> {
    return new DatasetWriter(await open(path, 'wx'), options);
  }

  async addFile(
    path: string,
    file: string,
    label: number,
    split: Split | null,
    annotation?: ImageAnnotation,
  ): Promise<void> {
    const size = await stat(path).then(
      (s) => (s.isFile() ? s.size : null),
      () => null,
    );
    if (size === null) {
      this.reject(file, 'no such image file in the upload');
      return;
    }
    if (size > this.options.limits.maxEntryBytes) {
      this.reject(file, `the file is over maxEntryBytes = ${this.options.limits.maxEntryBytes}`);
      return;
    }
    let image: Awaited<ReturnType<typeof decodeImage>>;
    try {
      image = await decodeImage(await readFile(path), { maxSide: this.options.maxSide });
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      this.reject(file, error.message);
      return;
    }
    if (annotation !== undefined) {
      const { width, height } = image.source;
      const says = { width: annotation.width ?? width, height: annotation.height ?? height };
      if (width !== says.width || height !== says.height) {
        this.reject(
          file,
          `the image is ${width}x${height}, its annotation says ${says.width}x${says.height}`,
        );
        return;
      }
      if ('captions' in annotation) this.captions.push(annotation.captions);
      else {
        this.annotated = true;
        this.objects.push(scaleObjects(annotation.objects, image.source, image));
      }
    }
    await this.addPixels(image, label, split);
  }

  async addPixels(pixels: Pixels, label: number, split: Split | null): Promise<void> {
    const { data, width, height, channels } = pixels;
    if (data.length !== width * height * channels) {
      throw new RangeError(`${data.length} pixel bytes for ${width}x${height}x${channels}`);
    }
    if (this.bytes + this.pendingBytes + data.length > this.options.limits.maxStoredBytes) {
      throw overLimit('maxStoredBytes', this.options.limits.maxStoredBytes, 'the decoded images');
    }
    this.records.push(width, height, channels, label, split === null ? NO_SPLIT : SPLIT_CODES.indexOf(split));
    this.pixelHashes.push(
      createHash('sha256').update(`${width}x${height}x${channels}:`).update(data).digest('hex'),
    );
    const chunk = Buffer.from(data);
    this.fileHash.update(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  reject(file: string, reason: string): void {
    if (this.options.strict) {
      throw new DatasetError('INVALID_DATASET', `a file was rejected and the import is strict: ${reason}`);
    }
    this.rejectedCount += 1;
    if (this.rejectedFiles.length < MAX_LISTED_REJECTS) {
      this.rejectedFiles.push({ file: file.slice(0, 200), reason: reason.slice(0, 300) });
    }
  }

  /** Flushes, fsyncs and closes `images.bin`. */
  async finish(): Promise<WrittenImages> {
    try {
      await this.flush();
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
    return {
      records: Int32Array.from(this.records),
      count: this.pixelHashes.length,
      pixelHashes: this.pixelHashes,
      images: { bytes: this.bytes, sha256: this.fileHash.digest('hex') },
      rejected: { count: this.rejectedCount, files: this.rejectedFiles },
      objects: this.annotated ? this.objects : null,
      captions: this.captions.length > 0 ? this.captions : null,
    };
  }

  /** Closes without the fsync, after a failure (the folder is then removed). */
  async abandon(): Promise<void> {
    await this.handle.close().catch(() => {});
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const block = Buffer.concat(this.pending, this.pendingBytes);
    this.pending.length = 0;
    this.pendingBytes = 0;
    await this.handle.writeFile(block);
    this.bytes += block.length;
  }
}
