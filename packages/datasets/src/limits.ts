/** What one import may cost; every one is checked while the bytes stream, never from a header alone. */
export interface ImportLimits {
  /** Bytes of the uploaded archive itself. */
  maxArchiveBytes: number;
  /** Entries of an archive (files, folders and links alike). */
  maxEntries: number;
  /** Uncompressed bytes of one entry (and of one gunzipped IDX file). */
  maxEntryBytes: number;
  /** Uncompressed bytes of all entries together. */
  maxTotalBytes: number;
  /** Uncompressed over compressed bytes, per zip entry and for a whole gzip stream (zip bombs reach 1000+). */
  maxCompressionRatio: number;
  /** Decoded pixel bytes the dataset may hold once imported. */
  maxStoredBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxArchiveBytes: 1024 * MiB,
  maxEntries: 200_000,
  maxEntryBytes: 256 * MiB,
  maxTotalBytes: 2048 * MiB,
  maxCompressionRatio: 100,
  maxStoredBytes: 2048 * MiB,
};

/** Ratios are only judged past this many output bytes: a tiny file of zeros compresses well and is harmless. */
export const RATIO_GRACE_BYTES = MiB;
