import type { DatasetManifest, Split } from '@ocellus/contracts';
import { RECORD_FIELDS, SPLIT_CODES, type WrittenImages } from './dataset-writer.js';

const MAX_SIZES = 10;
const MAX_DUPLICATE_EXAMPLES = 20;

/** The classes image `i` counts for: its objects' (coco), its captions' words (captions), or its own. */
function countedClasses(written: WrittenImages, labels: readonly string[]): (i: number) => number[] {
  const { objects, captions, records } = written;
  if (objects !== null) return (i) => objects[i]!.map((o) => o.label);
  if (captions !== null) {
    const index = new Map(labels.map((word, k) => [word, k]));
    return (i) => captions[i]!.flatMap((caption) => caption.split(' ').map((word) => index.get(word)!));
  }
  return (i) => [records[i * RECORD_FIELDS + 3]!];
}

/** How many captions there are, and their shortest and longest in words. */
function captionSummary(captions: readonly (readonly string[])[]): NonNullable<DatasetManifest['captions']> {
  const summary = { count: 0, words: { min: Number.POSITIVE_INFINITY, max: 0 } };
  for (const caption of captions.flat()) {
    const words = caption.split(' ').length;
    summary.count += 1;
    summary.words.min = Math.min(summary.words.min, words);
    summary.words.max = Math.max(summary.words.max, words);
  }
  return summary;
}

/**
 * Counts per split and class (images, objects when the format annotates them, words of captions), image
 * sizes and channels, pixel-identical images found in two splits, and the captions' lengths.
 */
export function summarize(
  written: WrittenImages,
  labels: readonly string[],
): Pick<DatasetManifest, 'splits' | 'images' | 'duplicates' | 'captions'> {
  const { records, pixelHashes } = written;
  const classesOf = countedClasses(written, labels);
  const count = pixelHashes.length;
  const splits = Object.fromEntries(
    SPLIT_CODES.map((s) => [s, { count: 0, perClass: new Array<number>(labels.length).fill(0) }]),
  ) as DatasetManifest['splits'];
  const sizes = new Map<string, { width: number; height: number; count: number }>();
  const seen = new Map<string, Set<Split>>();
  let grey = 0;
  const width = { min: Number.POSITIVE_INFINITY, max: 0 };
  const height = { min: Number.POSITIVE_INFINITY, max: 0 };
  for (let i = 0; i < count; i++) {
    const at = i * RECORD_FIELDS;
    const [w, h, channels, code] = [0, 1, 2, 4].map((k) => records[at + k]!) as number[];
    const split = SPLIT_CODES[code!]!;
    splits[split].count += 1;
    for (const k of classesOf(i)) splits[split].perClass[k]! += 1;
    if (channels === 1) grey += 1;
    width.min = Math.min(width.min, w!);
    width.max = Math.max(width.max, w!);
    height.min = Math.min(height.min, h!);
    height.max = Math.max(height.max, h!);
    const key = `${w}x${h}`;
    const size = sizes.get(key) ?? { width: w!, height: h!, count: 0 };
    size.count += 1;
    sizes.set(key, size);
    const hash = pixelHashes[i]!;
    const where = seen.get(hash);
    if (where) where.add(split);
    else seen.set(hash, new Set([split]));
  }
  const crossing = [...seen.entries()].filter(([, where]) => where.size > 1);
  return {
    ...(written.captions === null ? {} : { captions: captionSummary(written.captions) }),
    splits,
    images: {
      count,
      grey,
      rgb: count - grey,
      width: { min: count === 0 ? 0 : width.min, max: width.max },
      height: { min: count === 0 ? 0 : height.min, max: height.max },
      sizes: [...sizes.values()].sort((a, b) => b.count - a.count).slice(0, MAX_SIZES),
    },
    duplicates: {
      acrossSplits: crossing.length,
      examples: crossing.slice(0, MAX_DUPLICATE_EXAMPLES).map(([sha256, where]) => ({
        sha256,
        splits: SPLIT_CODES.filter((s) => where.has(s)),
      })),
    },
  };
}
