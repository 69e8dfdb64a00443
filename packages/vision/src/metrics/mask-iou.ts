import { countsToMask, type Rle, stringToCounts } from '../rle.js';

/** A binary mask: COCO compressed RLE, or row-major values where non-zero is inside. */
export type BinaryMask = Rle | ArrayLike<number>;

function isRle(mask: BinaryMask): mask is Rle {
  return typeof (mask as Rle).counts === 'string' && Array.isArray((mask as Rle).size);
}

/** A mask parsed once: its column-major runs when it came as RLE, its pixels when needed. */
interface Parsed {
  size: readonly [number, number] | undefined;
  counts: number[] | undefined;
  pixels: ArrayLike<number> | undefined;
}

function parse(mask: BinaryMask): Parsed {
  if (!isRle(mask)) return { size: undefined, counts: undefined, pixels: mask };
  const counts = stringToCounts(mask.counts);
  const [height, width] = mask.size;
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (total !== height * width) throw new RangeError(`RLE counts cover ${total} of ${height * width} pixels`);
  return { size: mask.size, counts, pixels: undefined };
}

function pixelsOf(mask: Parsed): ArrayLike<number> {
  if (mask.pixels === undefined) mask.pixels = countsToMask(mask.counts!, mask.size![0], mask.size![1]);
  return mask.pixels;
}

function iouFromCounts(intersection: number, union: number): number {
  return union > 0 ? intersection / union : 0;
}

/** Walks two run-length lists side by side (maskApi.c `rleIou`), never expanding them to pixels. */
function runIou(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  let j = 0;
  let restA = a[0] ?? 0;
  let restB = b[0] ?? 0;
  let intersection = 0;
  let union = 0;
  while (i < a.length && j < b.length) {
    const step = Math.min(restA, restB);
    const insideA = i % 2 === 1;
    const insideB = j % 2 === 1;
    if (insideA && insideB) intersection += step;
    if (insideA || insideB) union += step;
    restA -= step;
    restB -= step;
    if (restA === 0) restA = a[++i] ?? 0;
    if (restB === 0) restB = b[++j] ?? 0;
  }
  return iouFromCounts(intersection, union);
}

function pixelIou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`masks have ${a.length} and ${b.length} pixels`);
  let intersection = 0;
  let union = 0;
  for (let p = 0; p < a.length; p++) {
    const inA = a[p] !== 0;
    const inB = b[p] !== 0;
    if (inA && inB) intersection++;
    if (inA || inB) union++;
  }
  return iouFromCounts(intersection, union);
}

function parsedIou(a: Parsed, b: Parsed): number {
  if (a.counts !== undefined && b.counts !== undefined) {
    if (a.size![0] !== b.size![0] || a.size![1] !== b.size![1]) {
      throw new RangeError(`masks are ${a.size!.join('x')} and ${b.size!.join('x')}`);
    }
    return runIou(a.counts, b.counts);
  }
  return pixelIou(pixelsOf(a), pixelsOf(b));
}

/**
 * |A ∩ B| / |A ∪ B| of two binary masks of one size; 0 when both are empty. Two RLEs are compared
 * run by run; an RLE paired with a pixel array is decoded to row-major first.
 */
export function maskIou(a: BinaryMask, b: BinaryMask): number {
  return parsedIou(parse(a), parse(b));
}

/** Mask IoU of every pair, row-major `as.length x bs.length`; each RLE string is parsed once. */
export function pairwiseMaskIou(as: readonly BinaryMask[], bs: readonly BinaryMask[]): Float64Array {
  const left = as.map(parse);
  const right = bs.map(parse);
  const out = new Float64Array(left.length * right.length);
  for (let i = 0; i < left.length; i++) {
    for (let j = 0; j < right.length; j++) out[i * right.length + j] = parsedIou(left[i]!, right[j]!);
  }
  return out;
}
