import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { DatasetError, overLimit } from '../errors.js';
import type { ImportLimits } from '../limits.js';
import { ByteBudget, checkRatio } from './byte-budget.js';
import { safeEntryPath } from './entry-path.js';

type TarEntry = AsyncIterableIterator<Buffer> & NodeJS.ReadableStream & { header: tarStream.Header };

/** Extracts a gzipped tar into `dest` (which must exist); links and special files are refused. */
export async function extractTarGz(file: string, dest: string, limits: ImportLimits): Promise<void> {
  const budget = new ByteBudget(limits);
  let compressed = 0;
  let inflated = 0;
  const countIn = counting((bytes) => {
    compressed += bytes;
  });
  const countOut = counting((bytes) => {
    inflated += bytes;
    checkRatio(limits, inflated, compressed, 'the archive');
    // Headers and padding (about 1 KiB an entry) are not file bytes, but they are bounded too.
    if (inflated > limits.maxTotalBytes + limits.maxEntries * 1024) {
      throw overLimit('maxTotalBytes', limits.maxTotalBytes, 'the archive, uncompressed,');
    }
  });
  const extract = tarStream.extract();
  // Settled into the failure (or null) at once, so a stream error is never an unhandled rejection.
  const piping = pipeline(createReadStream(file), countIn, createGunzip(), countOut, extract).then(
    () => null,
    (failure: unknown) => failure,
  );
  try {
    for await (const entry of extract as AsyncIterable<TarEntry>) {
      budget.enter();
      await extractEntry(entry, dest, limits, budget);
    }
  } catch (error) {
    extract.destroy();
    const failure = await piping;
    throw asDatasetError(failure instanceof DatasetError ? failure : error);
  }
  const failure = await piping;
  if (failure !== null) throw asDatasetError(failure);
}

async function extractEntry(entry: TarEntry, dest: string, limits: ImportLimits, budget: ByteBudget) {
  const { header } = entry;
  const path = safeEntryPath(header.name);
  if (header.type === 'directory') {
    entry.resume();
    await mkdir(join(dest, path), { recursive: true });
    return;
  }
  if (header.type === 'symlink' || header.type === 'link') {
    throw new DatasetError('INVALID_ARCHIVE', 'the archive holds a symbolic or hard link: refused');
  }
  if (header.type !== 'file' && header.type !== 'contiguous-file') {
    throw new DatasetError(
      'INVALID_ARCHIVE',
      'the archive holds a device, FIFO or other special file: refused',
    );
  }
  if ((header.size ?? 0) > limits.maxEntryBytes) {
    throw overLimit('maxEntryBytes', limits.maxEntryBytes, 'an entry of the archive, uncompressed,');
  }
  const target = join(dest, path);
  await mkdir(dirname(target), { recursive: true });
  await pipeline(entry, counting(budget.entry()), createWriteStream(target, { flags: 'wx' }));
}

function counting(count: (bytes: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        count(chunk.length);
        done(null, chunk);
      } catch (error) {
        done(error as Error);
      }
    },
  });
}

// zlib's and tar-stream's messages never reach the client: only the kind of fault does.
function asDatasetError(error: unknown): DatasetError {
  if (error instanceof DatasetError) return error;
  if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
    return new DatasetError('INVALID_ARCHIVE', 'the archive holds two entries with the same path');
  }
  return new DatasetError(
    'INVALID_ARCHIVE',
    'not a readable tar.gz archive: its data is damaged or truncated',
  );
}
