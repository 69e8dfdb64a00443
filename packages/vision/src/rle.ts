/** COCO run-length encoding of binary masks (pycocotools `maskApi.c`). */
export interface Rle {
  size: [height: number, width: number];
  counts: string;
}

/** Run lengths of a row-major `height x width` mask read column-major, starting with a run of zeros. */
export function maskToCounts(mask: ArrayLike<number>, height: number, width: number): number[] {
  if (mask.length !== height * width)
    throw new RangeError(`mask has ${mask.length} values, not ${height}x${width}`);
  const counts: number[] = [];
  let previous = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const value = mask[y * width + x] ? 1 : 0;
      if (value !== previous) {
        counts.push(run);
        run = 0;
        previous = value;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/** Inverse of `maskToCounts`: a row-major 0/1 mask. */
export function countsToMask(counts: readonly number[], height: number, width: number): Uint8Array {
  const mask = new Uint8Array(height * width);
  let position = 0;
  for (let i = 0; i < counts.length; i++) {
    const end = position + counts[i]!;
    if (end > height * width) throw new RangeError(`RLE counts cover more than ${height}x${width} pixels`);
    if (i % 2 === 1) {
      for (let p = position; p < end; p++) mask[(p % height) * width + Math.floor(p / height)] = 1;
    }
    position = end;
  }
  if (position !== height * width)
    throw new RangeError(`RLE counts cover ${position} of ${height * width} pixels`);
  return mask;
}

/** `rleToString`: each count after the third as a delta from two before, 5 bits a char, continuation 0x20, +48. */
export function countsToString(counts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]! - (i > 2 ? counts[i - 2]! : 0);
    let more = true;
    while (more) {
      let c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

/** `rleFrString`: the inverse of `countsToString`. */
export function stringToCounts(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new RangeError('RLE string ends inside a count');
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new RangeError(`RLE string has an invalid character at ${p}`);
      x += (c & 0x1f) * 32 ** k;
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 32 ** k;
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    if (x < 0) throw new RangeError('RLE string decodes to a negative count');
    counts.push(x);
  }
  return counts;
}

/** Encodes a row-major binary mask (non-zero = inside) as COCO compressed RLE. */
export function encodeMask(mask: ArrayLike<number>, height: number, width: number): Rle {
  return { size: [height, width], counts: countsToString(maskToCounts(mask, height, width)) };
}

/** Decodes COCO compressed RLE to a row-major 0/1 mask. */
export function decodeMask(rle: Rle): Uint8Array {
  const [height, width] = rle.size;
  return countsToMask(stringToCounts(rle.counts), height, width);
}
