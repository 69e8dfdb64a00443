import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Job files live beside the registry (shared storage): `<registry>/.jobs/<id>/`; the registry skips dot-names. */
export const jobsDir = (registryRoot: string) => join(registryRoot, '.jobs');
export const jobDir = (registryRoot: string, id: string) => join(jobsDir(registryRoot), id);
export const checkpointPath = (registryRoot: string, id: string) =>
  join(jobDir(registryRoot, id), 'checkpoint.bin');

/** Writes `path` so that a reader (or a process killed mid-write) sees the old bytes or the new, never a mix. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The last checkpoint of a job, or null when it has none yet. */
export async function readCheckpoint(path: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}
