import { overLimit } from '../errors.js';
import { type ImportLimits, RATIO_GRACE_BYTES } from '../limits.js';

/** Counts entries and uncompressed bytes of one extraction against the import limits as they stream. */
export class ByteBudget {
  private entries = 0;
  private total = 0;

  constructor(private readonly limits: ImportLimits) {}

  /** One more entry of any kind. */
  enter(): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw overLimit('maxEntries', this.limits.maxEntries, 'the number of archive entries');
    }
  }

  /** A counter for one entry's bytes; `compressed` (when known) bounds its compression ratio. */
  entry(compressed?: number): (bytes: number) => void {
    let written = 0;
    return (bytes) => {
      written += bytes;
      this.total += bytes;
      if (written > this.limits.maxEntryBytes) {
        throw overLimit('maxEntryBytes', this.limits.maxEntryBytes, 'an entry of the archive, uncompressed,');
      }
      if (this.total > this.limits.maxTotalBytes) {
        throw overLimit('maxTotalBytes', this.limits.maxTotalBytes, 'the archive, uncompressed,');
      }
      if (compressed !== undefined) checkRatio(this.limits, written, compressed, 'an entry of the archive');
    };
  }
}

export function checkRatio(limits: ImportLimits, out: number, compressed: number, what: string): void {
  if (out > RATIO_GRACE_BYTES && out > limits.maxCompressionRatio * Math.max(compressed, 1)) {
    throw overLimit('maxCompressionRatio', limits.maxCompressionRatio, `the compression ratio of ${what}`);
  }
}
