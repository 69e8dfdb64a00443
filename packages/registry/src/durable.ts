import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Prefix of every temporary entry; readers skip dot-names, the sweep removes stale `.tmp-` ones. */
export const TEMP_PREFIX = '.tmp-';

export function tempName(): string {
  return `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Creates `path` (it must not exist), writes `data`, fsyncs and closes; `afterWrite` runs between write and fsync. */
export async function writeDurable(
  path: string,
  data: string | Uint8Array,
  afterWrite?: () => Promise<void>,
): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await afterWrite?.();
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync of a directory makes the entries created or renamed in it durable (POSIX rename is not, by itself). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot fsync a directory; there the rename is all we get.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? ''))
      throw error;
  } finally {
    await handle.close();
  }
}

/** Replaces `path` atomically: readers see the old content or the new one, never a mix. */
export async function replaceFileAtomic(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, tempName());
  try {
    await writeDurable(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dir);
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}
