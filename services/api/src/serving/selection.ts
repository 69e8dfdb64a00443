import { DEFAULT_ALIAS } from '@ocellus/contracts';
import { type Registry, RegistryError } from '@ocellus/registry';
import { modelNotFound } from '../errors.js';

/** The version a request asks for: `version`, else `alias` (default `production`); 404 when there is none. */
export async function resolveVersion(
  registry: Registry,
  name: string,
  selector: { version?: number | undefined; alias?: string | undefined },
): Promise<number> {
  const alias = selector.alias ?? DEFAULT_ALIAS;
  try {
    if (selector.version !== undefined) {
      await registry.manifest(name, selector.version);
      return selector.version;
    }
    return await registry.resolve(name, { alias });
  } catch (error) {
    if (!(error instanceof RegistryError) || (error.code !== 'NOT_FOUND' && error.code !== 'INVALID_NAME'))
      throw error;
    const wanted = selector.version !== undefined ? `version ${selector.version}` : `alias '${alias}'`;
    throw modelNotFound(`model '${name}' has no ${wanted}`);
  }
}
