import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from './io.js';

/** `<repo>/models`, the shipped registry, found from this file's place in `services/cli/dist`. */
export const SHIPPED_REGISTRY = fileURLToPath(new URL('../../../models', import.meta.url));

/** `--registry`, else `OCELLUS_REGISTRY` (or the API's `OCELLUS_REGISTRY_ROOT`), else the shipped registry. */
export function registryRoot(flag: string | undefined, io: CliIo): string {
  const chosen = flag ?? io.env['OCELLUS_REGISTRY'] ?? io.env['OCELLUS_REGISTRY_ROOT'];
  if (chosen === undefined || chosen === '') return SHIPPED_REGISTRY;
  return isAbsolute(chosen) ? chosen : resolve(io.cwd, chosen);
}
