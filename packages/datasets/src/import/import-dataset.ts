import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { DatasetFormat, DatasetImportOptions, DatasetManifest, Task } from '@ocellus/contracts';
import { tempName, writeDurable } from '@ocellus/registry/durable';
import { extractArchive } from '../archive/extract.js';
import { receiveArchive } from '../archive/receive.js';
import { DatasetError } from '../errors.js';
import { captionsReader } from '../formats/captions.js';
import { cocoReader } from '../formats/coco.js';
import { idxReader } from '../formats/idx.js';
import { readImageFolder } from '../formats/image-folder.js';
import type { FormatReader } from '../formats/image-sink.js';
import type { ImportLimits } from '../limits.js';
import { claimVersion } from '../store/claim.js';
import { assertDatasetName } from '../store/layout.js';
import { liveWork } from '../store/sweep.js';
import {
  ANNOTATIONS_FILE,
  CAPTIONS_FILE,
  DatasetWriter,
  IMAGES_FILE,
  INDEX_FILE,
  type WrittenImages,
} from './dataset-writer.js';
import { assignSplits } from './splits.js';
import { summarize } from './summary.js';

/** An archive (zip or tar.gz) streamed in, or a folder on this machine (the CLI's local import). */
export type ImportSource = { kind: 'archive'; stream: Readable } | { kind: 'directory'; path: string };

const READERS: {
  readonly [F in DatasetFormat]: (limits: ImportLimits, options: DatasetImportOptions) => FormatReader;
} = {
  'image-folder': () => readImageFolder,
  idx: (limits, options) => idxReader(limits, options.labels),
  coco: (limits) => cocoReader(limits),
  captions: (limits) => captionsReader(limits),
};

/** Captions train a captioner; annotated objects detection and masks, and one object per image localisation too. */
function tasksOf({ objects, captions }: WrittenImages): Task[] {
  if (captions !== null) return ['caption'];
  if (objects === null) return ['classify'];
  const single = objects.every((image) => image.length === 1 && !image[0]!.crowd);
  return single ? ['localize', 'detect', 'segment'] : ['detect', 'segment'];
}

/**
 * Imports one dataset version: the upload goes to a work folder in the store's root (extracted with every
 * archive check), its images are decoded into the version's data files, and the version is claimed last.
 * Whatever fails, the work folder is removed: a refused upload leaves nothing behind.
 */
export async function importDataset(
  root: string,
  name: string,
  source: ImportSource,
  options: DatasetImportOptions,
  limits: ImportLimits,
): Promise<DatasetManifest> {
  assertDatasetName(name);
  await mkdir(root, { recursive: true });
  const work = join(root, tempName());
  liveWork.add(work);
  try {
    await mkdir(work);
    const dir = source.kind === 'directory' ? source.path : join(work, 'files');
    let origin: DatasetManifest['source'] = { bytes: 0, sha256: null };
    if (source.kind === 'archive') {
      const upload = join(work, 'upload');
      origin = await receiveArchive(source.stream, upload, limits.maxArchiveBytes);
      await mkdir(dir);
      await extractArchive(upload, dir, limits);
      await rm(upload);
    }
    const version = join(work, 'version');
    await mkdir(version);
    const { labels, written } = await readImages(dir, version, options, limits);
    if (written.count === 0) {
      throw new DatasetError('INVALID_DATASET', 'no image of the upload could be imported');
    }
    const splitSource = assignSplits(written.records, options);
    const index = encodeRecords(written.records);
    await writeDurable(join(version, INDEX_FILE), index);
    const annotations = await writeJsonFile(version, ANNOTATIONS_FILE, written.objects);
    const captions = await writeJsonFile(version, CAPTIONS_FILE, written.captions);
    return await claimVersion(root, version, {
      formatVersion: 1,
      name,
      format: options.format,
      tasks: tasksOf(written),
      created: new Date().toISOString(),
      labels,
      ...summarize(written, labels),
      splitMethod: {
        source: splitSource,
        validation: options.validation,
        test: options.test,
        seed: options.seed,
      },
      rejected: written.rejected,
      files: {
        images: { file: IMAGES_FILE, ...written.images },
        index: { file: INDEX_FILE, bytes: index.length, sha256: sha256Of(index) },
        ...(annotations === null ? {} : { annotations }),
        ...(captions === null ? {} : { captions }),
      },
      source: origin,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
    liveWork.delete(work);
  }
}

async function readImages(
  dir: string,
  version: string,
  options: DatasetImportOptions,
  limits: ImportLimits,
): Promise<{ labels: string[]; written: WrittenImages }> {
  const writer = await DatasetWriter.create(join(version, IMAGES_FILE), {
    strict: options.strict,
    maxSide: options.maxSide,
    limits,
  });
  let labels: string[];
  try {
    labels = await READERS[options.format](limits, options)(dir, writer);
  } catch (error) {
    await writer.abandon();
    throw error;
  }
  return { labels, written: await writer.finish() };
}

/** `{images: perImage}` written durably as `file`, with its file record; nothing when the format has none. */
async function writeJsonFile(
  version: string,
  file: string,
  perImage: unknown[] | null,
): Promise<{ file: string; bytes: number; sha256: string } | null> {
  if (perImage === null) return null;
  const bytes = Buffer.from(JSON.stringify({ images: perImage }));
  await writeDurable(join(version, file), bytes);
  return { file, bytes: bytes.length, sha256: sha256Of(bytes) };
}

function encodeRecords(records: Int32Array): Buffer {
  const bytes = Buffer.alloc(records.length * 4);
  records.forEach((value, i) => {
    bytes.writeInt32LE(value, 4 * i);
  });
  return bytes;
}

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
