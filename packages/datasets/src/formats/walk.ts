import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from '../errors.js';

export interface FolderEntries {
  files: string[];
  folders: string[];
}

/** Names a tool leaves beside the data (`.DS_Store`, macOS's `__MACOSX/`): skipped, not rejected. */
function isClutter(name: string): boolean {
  return name.startsWith('.') || name === '__MACOSX';
}

/** The files and folders directly in `dir`, sorted; a symbolic link is refused (an archive can hold none). */
export async function listFolder(dir: string): Promise<FolderEntries> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !isClutter(e.name));
  if (entries.some((e) => e.isSymbolicLink())) {
    throw new DatasetError('INVALID_DATASET', 'the dataset holds a symbolic link: refused');
  }
  const sorted = (names: string[]) => names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    files: sorted(entries.filter((e) => e.isFile()).map((e) => e.name)),
    folders: sorted(entries.filter((e) => e.isDirectory()).map((e) => e.name)),
  };
}

/** Every file under `dir`, as paths relative to it, in sorted order. */
export async function walkFiles(dir: string, prefix = ''): Promise<string[]> {
  const { files, folders } = await listFolder(join(dir, prefix));
  const nested = await Promise.all(folders.map((f) => walkFiles(dir, join(prefix, f))));
  return [...files.map((f) => join(prefix, f)), ...nested.flat()];
}

/** Descends through folders that hold nothing but one folder (an archive's wrapping `my-dataset/`). */
export async function unwrapFolder(dir: string): Promise<string> {
  let current = dir;
  for (;;) {
    const { files, folders } = await listFolder(current);
    if (files.length > 0 || folders.length !== 1) return current;
    current = join(current, folders[0]!);
  }
}
