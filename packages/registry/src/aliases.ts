import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, replaceFileAtomic } from './durable.js';
import { isAliasName, isVersionNumber } from './names.js';
import { RegistryError } from './types.js';

export const ALIASES_FILE = 'aliases.json';

/**
 * `{alias: version}` without a prototype: a lookup of an alias nobody set, such as `constructor` or
 * `toString`, is undefined rather than an `Object.prototype` member.
 */
export function emptyAliases(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}

/** `<model>/aliases.json` as `{alias: version}`; a missing file means no aliases. */
export async function readAliases(modelDir: string, name: string): Promise<Record<string, number>> {
  let text: string;
  try {
    text = await readFile(join(modelDir, ALIASES_FILE), 'utf8');
  } catch (error) {
    // ENOTDIR: a stray file where a model folder would be holds no aliases.
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return emptyAliases();
    throw error;
  }
  return parseAliases(text, name);
}

export function parseAliases(text: string, name: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RegistryError('CORRUPT', `aliases of ${name} are not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RegistryError('CORRUPT', `aliases of ${name} are not a JSON object`);
  }
  const aliases = emptyAliases();
  for (const [alias, version] of Object.entries(parsed)) {
    if (!isAliasName(alias) || !isVersionNumber(version)) {
      throw new RegistryError('CORRUPT', `aliases of ${name} hold an invalid entry ${JSON.stringify(alias)}`);
    }
    aliases[alias] = version;
  }
  return aliases;
}

export async function writeAliases(modelDir: string, aliases: Record<string, number>): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(aliases).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  await replaceFileAtomic(join(modelDir, ALIASES_FILE), `${JSON.stringify(sorted, null, 2)}\n`);
}
