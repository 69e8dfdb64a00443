import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Split } from '@ocellus/contracts';
import { checkRatio } from '../archive/byte-budget.js';
import { DatasetError, overLimit } from '../errors.js';
import type { ImportLimits } from '../limits.js';
import type { FormatReader, ImageSink } from './image-sink.js';
import { walkFiles } from './walk.js';

const gunzipAsync = promisify(gunzip);
const IMAGES = /^(.*)images-idx3-ubyte(\.gz)?$/;
const UBYTE = 0x08;
/** Optional class names, one a line, label i on line i + 1 (IDX files carry only numbers). */
export const LABEL_NAMES_FILE = 'labels.txt';

/** An IDX array of unsigned bytes (LeCun's MNIST format): its dimensions and data. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an IDX file of unsigned bytes with `rank` dimensions; anything else is INVALID_DATASET. */
export function parseIdx(bytes: Uint8Array, rank: number, what: string): IdxArray {
  const bad = (why: string) => new DatasetError('INVALID_DATASET', `${what} is not an IDX file: ${why}`);
  if (bytes.length < 4 + 4 * rank) throw bad('it is shorter than its header');
  if (bytes[0] !== 0 || bytes[1] !== 0) throw bad('its magic number does not start with two zero bytes');
  if (bytes[2] !== UBYTE) throw bad('its values are not unsigned bytes');
  if (bytes[3] !== rank) throw bad(`it has ${bytes[3]} dimensions, expected ${rank}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (bytes.length - start !== size) {
    throw bad(`its header promises ${size} values and it holds ${bytes.length - start}`);
  }
  return { dims, data: bytes.subarray(start) };
}

/** `train-*` pairs are the train split, `t10k-*` and `test-*` the test split, `val*-` validation. */
function splitOfPrefix(prefix: string): Split | null {
  if (/^train\b/.test(prefix)) return 'train';
  if (/^(t10k|test)\b/.test(prefix)) return 'test';
  if (/^val/.test(prefix)) return 'validation';
  return null;
}

/** Reads a file, gunzipped when it starts with gzip's magic, within the per-entry and ratio limits. */
async function readMaybeGzip(path: string, limits: ImportLimits): Promise<Uint8Array> {
  if ((await stat(path)).size > limits.maxEntryBytes) {
    throw overLimit('maxEntryBytes', limits.maxEntryBytes, 'an IDX file');
  }
  const raw = await readFile(path);
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  let out: Buffer;
  try {
    out = await gunzipAsync(raw, { maxOutputLength: limits.maxEntryBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw overLimit('maxEntryBytes', limits.maxEntryBytes, 'an IDX file, gunzipped,');
    }
    throw new DatasetError('INVALID_DATASET', 'a gzipped IDX file is damaged or truncated');
  }
  checkRatio(limits, out.length, raw.length, 'a gzipped IDX file');
  return out;
}

async function labelNames(
  root: string,
  files: string[],
  count: number,
  given: readonly string[] | undefined,
): Promise<string[]> {
  const file = files.find((f) => basename(f) === LABEL_NAMES_FILE);
  if (given === undefined && file === undefined) return Array.from({ length: count }, (_, i) => String(i));
  const names =
    given ??
    (await readFile(join(root, file!), 'utf8'))
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
  if (names.length < count || names.some((n) => n.length > 100)) {
    const source = given === undefined ? LABEL_NAMES_FILE : 'the label names given';
    throw new DatasetError(
      'INVALID_DATASET',
      `${source} must name each of the ${count} labels (one a line, at most 100 characters)`,
    );
  }
  return [...names];
}

async function readPair(
  root: string,
  images: string,
  labels: string,
  limits: ImportLimits,
): Promise<{ images: IdxArray; labels: IdxArray }> {
  const pixels = parseIdx(await readMaybeGzip(join(root, images), limits), 3, 'an idx3 images file');
  const classes = parseIdx(await readMaybeGzip(join(root, labels), limits), 1, 'an idx1 labels file');
  if (classes.dims[0] !== pixels.dims[0]) {
    throw new DatasetError(
      'INVALID_DATASET',
      `labels do not match images: ${classes.dims[0]} labels for ${pixels.dims[0]} images`,
    );
  }
  return { images: pixels, labels: classes };
}

/** MNIST's format: `<prefix>images-idx3-ubyte[.gz]` beside `<prefix>labels-idx1-ubyte[.gz]`. */
export function idxReader(limits: ImportLimits, labels?: readonly string[]): FormatReader {
  return async (root: string, sink: ImageSink) => {
    const files = await walkFiles(root);
    const pairs = files.flatMap((file) => {
      const match = IMAGES.exec(basename(file));
      if (match === null) return [];
      const prefix = match[1]!;
      const wanted = join(dirname(file), `${prefix}labels-idx1-ubyte`);
      const labels = files.find((f) => f === wanted || f === `${wanted}.gz`);
      if (labels === undefined) {
        throw new DatasetError(
          'INVALID_DATASET',
          'labels do not match images: an idx3 images file has no idx1 labels file beside it',
        );
      }
      return [{ images: file, labels, split: splitOfPrefix(prefix) }];
    });
    if (pairs.length === 0) {
      throw new DatasetError(
        'INVALID_DATASET',
        'no idx3 images file (e.g. train-images-idx3-ubyte.gz) in the upload',
      );
    }
    const paired = new Set([
      ...pairs.flatMap((p) => [p.images, p.labels]),
      ...files.filter((f) => basename(f) === LABEL_NAMES_FILE),
    ]);
    for (const file of files)
      if (!paired.has(file)) sink.reject(file, 'not part of an IDX images/labels pair');
    const read = [];
    for (const pair of pairs)
      read.push({ ...pair, ...(await readPair(root, pair.images, pair.labels, limits)) });
    const classCount = 1 + read.reduce((top, r) => r.labels.data.reduce((a, b) => Math.max(a, b), top), 0);
    const names = await labelNames(root, files, classCount, labels);
    for (const { images, labels, split } of read) {
      const [count, height, width] = images.dims as [number, number, number];
      const plane = height * width;
      for (let i = 0; i < count; i++) {
        const data = images.data.subarray(i * plane, (i + 1) * plane);
        await sink.addPixels({ data, width, height, channels: 1 }, labels.data[i]!, split);
      }
    }
    return names;
  };
}
