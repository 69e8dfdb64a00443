import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { DatasetError, overLimit } from '../errors.js';
import type { ImportLimits } from '../limits.js';
import { ByteBudget, checkRatio } from './byte-budget.js';
import { safeEntryPath } from './entry-path.js';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Extracts a zip file into `dest` (which must exist), every entry checked before and while it is written. */
export async function extractZip(file: string, dest: string, limits: ImportLimits): Promise<void> {
  const zip = await openZip(file);
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw overLimit('maxEntries', limits.maxEntries, 'the number of archive entries');
    }
    const budget = new ByteBudget(limits);
    for (let entry = await nextEntry(zip); entry !== null; entry = await nextEntry(zip)) {
      budget.enter();
      await extractEntry(zip, entry, dest, limits, budget);
    }
  } finally {
    zip.close();
  }
}

async function extractEntry(
  zip: ZipFile,
  entry: Entry,
  dest: string,
  limits: ImportLimits,
  budget: ByteBudget,
): Promise<void> {
  const path = safeEntryPath(entry.fileName);
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
    throw new DatasetError('INVALID_ARCHIVE', 'the archive holds a symbolic link: refused');
  }
  if (entry.isEncrypted()) throw new DatasetError('INVALID_ARCHIVE', 'the archive holds an encrypted entry');
  if (entry.fileName.endsWith('/')) {
    await mkdir(join(dest, path), { recursive: true });
    return;
  }
  // The declared sizes refuse a bomb before a byte is inflated; the counter below holds even if they lie.
  if (entry.uncompressedSize > limits.maxEntryBytes) {
    throw overLimit('maxEntryBytes', limits.maxEntryBytes, 'an entry of the archive, uncompressed,');
  }
  checkRatio(limits, entry.uncompressedSize, entry.compressedSize, 'an entry of the archive');
  const target = join(dest, path);
  await mkdir(dirname(target), { recursive: true });
  const count = budget.entry(entry.compressedSize);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        count(chunk.length);
        done(null, chunk);
      } catch (error) {
        done(error as Error);
      }
    },
  });
  const input = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => (error ? reject(zipError(error)) : resolve(stream))),
  );
  try {
    await pipeline(input, counter, createWriteStream(target, { flags: 'wx' }));
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new DatasetError('INVALID_ARCHIVE', 'the archive holds two entries with the same path');
    }
    throw zipError(error as Error);
  }
}

function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) =>
      error ? reject(zipError(error)) : resolve(zip),
    ),
  );
}

/** The next entry, or null at the end; yauzl's errors (bad names, sizes that lie) become INVALID_ARCHIVE. */
function nextEntry(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(zipError(error));
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

// yauzl's messages quote entry names, which are the client's text: only the kind of fault goes out.
function zipError(error: Error): DatasetError {
  const message = error.message;
  if (/relative path|absolute path|invalid characters/i.test(message)) {
    return new DatasetError(
      'INVALID_ARCHIVE',
      'the archive has an entry whose path is absolute or climbs out: refused',
    );
  }
  if (/size mismatch|too many bytes|not enough bytes/i.test(message)) {
    return new DatasetError('INVALID_ARCHIVE', 'the archive has an entry whose sizes do not match its data');
  }
  return new DatasetError('INVALID_ARCHIVE', 'not a readable zip archive: its structure is damaged');
}
