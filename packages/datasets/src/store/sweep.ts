import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_PREFIX } from '@ocellus/registry/durable';

/** Work folders of imports running in this process, never swept whatever their age. */
export const liveWork = new Set<string>();

/** Removes the work folders that crashed imports left in the store's root; returns how many. */
export async function sweepStore(root: string, staleMs: number): Promise<number> {
  const entries = await readdir(root).catch(() => [] as string[]);
  let removed = 0;
  for (const entry of entries.filter((e) => e.startsWith(TEMP_PREFIX))) {
    const path = join(root, entry);
    if (liveWork.has(path)) continue;
    const modified = await stat(path).then(
      (s) => s.mtimeMs,
      () => Date.now(),
    );
    if (Date.now() - modified < staleMs) continue;
    await rm(path, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}
