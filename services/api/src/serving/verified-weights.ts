import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { pipeline, type Readable, Transform } from 'node:stream';

/** A weights file on disk that does not match its manifest (size or sha256). */
export class ArtifactCorruptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactCorruptError';
  }
}

export interface ExpectedWeights {
  bytes: number;
  sha256: string;
}

/**
 * Opens `path` for streaming to a client. The size is checked before anything is sent; the bytes
 * are hashed as they pass and the last chunk is held back until the hash matches, so a changed
 * file fails the stream with `ArtifactCorruptError` before the body is complete (a client sees a
 * short body, never a clean reply with different bytes).
 */
export async function openVerifiedWeights(path: string, expected: ExpectedWeights): Promise<Readable> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size !== expected.bytes) {
      throw new ArtifactCorruptError(
        `${path} is ${size} bytes on disk but its manifest says ${expected.bytes}: the artifact is corrupt`,
      );
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  const hash = createHash('sha256');
  let seen = 0;
  let held: Buffer | undefined;
  const verifier = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      seen += chunk.length;
      const previous = held;
      held = chunk;
      done(null, previous);
    },
    flush(done) {
      const sha256 = hash.digest('hex');
      if (seen !== expected.bytes || sha256 !== expected.sha256) {
        done(
          new ArtifactCorruptError(
            `${path} hashes to sha256 ${sha256} (${seen} bytes read) but its manifest says ` +
              `${expected.sha256} (${expected.bytes} bytes): the artifact is corrupt`,
          ),
        );
        return;
      }
      done(null, held);
    },
  });
  // Errors (a read failure, the mismatch) reach the verifier, which is what the reply streams.
  return pipeline(handle.createReadStream(), verifier, () => {});
}
