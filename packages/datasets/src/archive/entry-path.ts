import { DatasetError } from '../errors.js';

const MAX_PATH_CHARS = 1024;

/**
 * An archive entry's name as a relative path under the extraction folder, or an INVALID_ARCHIVE error:
 * absolute paths, drive letters, backslashes, NUL and `..` segments are refused (zip-slip), never rewritten.
 */
export function safeEntryPath(name: string): string {
  const refuse = (why: string) =>
    new DatasetError('INVALID_ARCHIVE', `the archive has an entry whose path ${why}: refused`);
  if (name.length === 0 || name.length > MAX_PATH_CHARS)
    throw refuse(`is empty or over ${MAX_PATH_CHARS} characters`);
  if (name.includes('\0')) throw refuse('holds a NUL character');
  if (name.includes('\\')) throw refuse('holds a backslash');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw refuse('is absolute');
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw refuse("climbs out with '..'");
  if (segments.length === 0) throw refuse('names no file');
  return segments.join('/');
}
