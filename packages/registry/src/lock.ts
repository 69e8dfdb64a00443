import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from './durable.js';
import { RegistryError } from './types.js';

const LOCK_DIR = '.lock';
// A holder does a few small file operations; a lock this old was left by a crashed process.
const STALE_LOCK_MS = 30_000;
const WAIT_LIMIT_MS = 10_000;

/** Serialises alias changes and deletes of one model across processes (mkdir is atomic). */
export function withModelLock<T>(modelDir: string, name: string, fn: () => Promise<T>): Promise<T> {
  return withFolderLock(modelDir, `model ${name}`, fn);
}

/** Runs `fn` holding `<dir>/.lock`; `what` names the folder's resource in errors, e.g. `dataset fashion`. */
export async function withFolderLock<T>(dir: string, what: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, LOCK_DIR);
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new RegistryError('NOT_FOUND', `no ${what}`);
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const age = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > STALE_LOCK_MS) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new RegistryError('CONFLICT', `${what} stayed locked for ${WAIT_LIMIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
