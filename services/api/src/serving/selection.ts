import { DEFAULT_ALIAS } from '@ocellus/contracts';
import type { Manifest } from '@ocellus/registry';
import { modelNotFound } from '../errors.js';
import type { AliasTable } from './alias-table.js';

/** The version a request asks for: `version`, else `alias` (default `production`); 404 when there is none. */
export async function resolveVersion(
  table: AliasTable,
  name: string,
  selector: { version?: number | undefined; alias?: string | undefined },
): Promise<Manifest> {
  const manifest = await table.find(name, selector);
  if (manifest !== undefined) return manifest;
  const wanted =
    selector.version !== undefined
      ? `version ${selector.version}`
      : `alias '${selector.alias ?? DEFAULT_ALIAS}'`;
  throw modelNotFound(`model '${name}' has no ${wanted}`);
}
