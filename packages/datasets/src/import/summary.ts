import type { DatasetManifest, Split, StoredObject } from '@ocellus/contracts';
import { RECORD_FIELDS, SPLIT_CODES } from './dataset-writer.js';

const MAX_SIZES = 10;
const MAX_DUPLICATE_EXAMPLES = 20;

/**
 * Counts per split and class (images, or objects when `objects` annotates them), image sizes and channels,
 * and pixel-identical images found in two splits.
 */
export function summarize(
  records: Int32Array,
  pixelHashes: readonly string[],
  classCount: number,
  objects: readonly (readonly StoredObject[])[] | null,
): Pick<DatasetManifest, 'splits' | 'images' | 'duplicates'> {
  const count = pixelHashes.length;
  const splits = Object.fromEntries(
    SPLIT_CODES.map((s) => [s, { count: 0, perClass: new Array<number>(classCount).fill(0) }]),
  ) as DatasetManifest['splits'];
  const sizes = new Map<string, { width: number; height: number; count: number }>();
  const seen = new Map<string, Set<Split>>();
  let grey = 0;
  const width = { min: Number.POSITIVE_INFINITY, max: 0 };
  const height = { min: Number.POSITIVE_INFINITY, max: 0 };
  for (let i = 0; i < count; i++) {
    const at = i * RECORD_FIELDS;
    const [w, h, channels, label, code] = [0, 1, 2, 3, 4].map((k) => records[at + k]!) as number[];
    const split = SPLIT_CODES[code!]!;
    splits[split].count += 1;
    for (const k of objects === null ? [label!] : objects[i]!.map((o) => o.label))
      splits[split].perClass[k]! += 1;
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
