import { isAliasName, isModelName, RESOURCE_NAME_PATTERN as NAME_PATTERN } from '@ocellus/contracts';
import { RegistryError } from './types.js';

// The one rule for names (REFERENCE.md "Limits and safety"), checked here too: only these reach a path.
export { isAliasName, isModelName };

export function isVersionNumber(version: unknown): version is number {
  return typeof version === 'number' && Number.isSafeInteger(version) && version > 0;
}

export function assertModelName(name: unknown): string {
  if (!isModelName(name)) {
    throw new RegistryError('INVALID_NAME', `invalid model name ${describe(name)}: expected ${NAME_PATTERN}`);
  }
  return name;
}

export function assertAliasName(alias: unknown): string {
  if (!isAliasName(alias)) {
    throw new RegistryError(
      'INVALID_NAME',
      `invalid alias ${describe(alias)}: expected ${NAME_PATTERN} and not all digits (an all-digit alias would read as a version)`,
    );
  }
  return alias;
}

export function assertVersion(version: unknown): number {
  if (!isVersionNumber(version)) {
    throw new RegistryError(
      'INVALID_NAME',
      `invalid version ${describe(version)}: expected a positive integer`,
    );
  }
  return version;
}

/** Parses a directory entry name as a version; `01` or `1.0` are not versions. */
export function parseVersionDir(entry: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(entry)) return null;
  const version = Number(entry);
  return Number.isSafeInteger(version) ? version : null;
}

// Quoted and cut short so a hostile name cannot flood a log line.
function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
