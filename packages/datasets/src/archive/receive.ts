import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DatasetError, overLimit } from '../errors.js';

/** Streams an upload to `file` (which must not exist), hashing it and refusing it past `maxBytes`. */
export async function receiveArchive(
  input: Readable,
  file: string,
  maxBytes: number,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        done(overLimit('maxArchiveBytes', maxBytes, 'the archive'));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(input, counter, createWriteStream(file, { flags: 'wx' }));
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError('INVALID_ARCHIVE', 'the upload ended before the archive was complete');
  }
  if (bytes === 0) throw new DatasetError('INVALID_ARCHIVE', 'the upload is empty');
  return { bytes, sha256: hash.digest('hex') };
}
