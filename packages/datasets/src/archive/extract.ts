import { open } from 'node:fs/promises';
import { DatasetError } from '../errors.js';
import type { ImportLimits } from '../limits.js';
import { extractTarGz } from './tar.js';
import { extractZip } from './zip.js';

/** Extracts a zip or a gzipped tar, told apart by their first bytes (never by a name or a content type). */
export async function extractArchive(file: string, dest: string, limits: ImportLimits): Promise<void> {
  const head = Buffer.alloc(4);
  const handle = await open(file, 'r');
  try {
    await handle.read(head, 0, 4, 0);
  } finally {
    await handle.close();
  }
  if (head[0] === 0x50 && head[1] === 0x4b) return extractZip(file, dest, limits);
  if (head[0] === 0x1f && head[1] === 0x8b) return extractTarGz(file, dest, limits);
  throw new DatasetError('INVALID_ARCHIVE', 'the upload is neither a zip nor a gzipped tar archive');
}
