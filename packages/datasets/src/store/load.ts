import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DatasetManifest,
  type StoredObject,
  storedAnnotationsSchema,
  storedCaptionsSchema,
} from '@ocellus/contracts';
import { DatasetError } from '../errors.js';
import {
  ANNOTATIONS_FILE,
  CAPTIONS_FILE,
  IMAGES_FILE,
  INDEX_FILE,
  RECORD_FIELDS,
} from '../import/dataset-writer.js';
import { MANIFEST_FILE, parseManifest, versionDir } from './layout.js';

/** A stored version in memory: `pixels` holds every image's HWC bytes back to back, `records` their index. */
export interface StoredDataset {
  manifest: DatasetManifest;
  pixels: Uint8Array;
  /** RECORD_FIELDS Int32 per image: width, height, channels, label, split (0 train, 1 validation, 2 test). */
  records: Int32Array;
  /** Byte offset of each image in `pixels`. */
  offsets: Float64Array;
  /** Each image's objects in stored pixels (coco), else null. */
  objects: StoredObject[][] | null;
  /** Each image's captions, words joined by single spaces, the training caption first (captions), else null. */
  captions: string[][] | null;
}

/** Reads a version synchronously (the trainer's data preparation is synchronous), each file's sha256 checked. */
export function loadStoredDataset(root: string, name: string, version: number): StoredDataset {
  const dir = versionDir(root, name, version);
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    throw new DatasetError('NOT_FOUND', `dataset ${name} has no version ${version}`);
  }
  const manifest = parseManifest(text, name, version);
  const pixels = readVerified(join(dir, IMAGES_FILE), manifest.files.images, manifest);
  const index = readVerified(join(dir, INDEX_FILE), manifest.files.index, manifest);
  if (index.length !== manifest.images.count * RECORD_FIELDS * 4) {
    throw new DatasetError(
      'CORRUPT',
      `the index of dataset ${name} v${version} does not hold ${manifest.images.count} images`,
    );
  }
  const records = new Int32Array(manifest.images.count * RECORD_FIELDS);
  const view = new DataView(index.buffer, index.byteOffset, index.byteLength);
  for (let i = 0; i < records.length; i++) records[i] = view.getInt32(4 * i, true);
  const offsets = new Float64Array(manifest.images.count);
  let offset = 0;
  for (let i = 0; i < offsets.length; i++) {
    offsets[i] = offset;
    const at = i * RECORD_FIELDS;
    offset += records[at]! * records[at + 1]! * records[at + 2]!;
  }
  if (offset !== pixels.length) {
    throw new DatasetError('CORRUPT', `the images of dataset ${name} v${version} do not match its index`);
  }
  // A per-image file (annotations, captions), read when the manifest lists it and checked against the index.
  const perImage = <T>(
    file: string,
    record: FileRecord | undefined,
    parse: (json: unknown) => { images: T[] } | undefined,
    what: string,
  ): T[] | null => {
    if (record === undefined) return null;
    const text = Buffer.from(readVerified(join(dir, file), record, manifest)).toString('utf8');
    const parsed = parse(JSON.parse(text));
    if (parsed === undefined || parsed.images.length !== manifest.images.count) {
      throw new DatasetError('CORRUPT', `the ${what} of dataset ${name} v${version} do not match its images`);
    }
    return parsed.images;
  };
  const { annotations, captions } = manifest.files;
  return {
    manifest,
    pixels,
    records,
    offsets,
    objects: perImage(
      ANNOTATIONS_FILE,
      annotations,
      (j) => storedAnnotationsSchema.safeParse(j).data,
      'annotations',
    ),
    captions: perImage(CAPTIONS_FILE, captions, (j) => storedCaptionsSchema.safeParse(j).data, 'captions'),
  };
}

type FileRecord = DatasetManifest['files']['images'];

function readVerified(path: string, record: FileRecord, manifest: DatasetManifest): Uint8Array {
  const where = `dataset ${manifest.name} v${manifest.version}`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new DatasetError('CORRUPT', `a data file of ${where} is missing or unreadable`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== record.bytes || sha256 !== record.sha256) {
    throw new DatasetError('CORRUPT', `a data file of ${where} does not match the checksum in its manifest`);
  }
  return bytes;
}
