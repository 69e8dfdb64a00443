import { manifestSchema } from '@ocellus/contracts';
import { type Manifest, RegistryError } from './types.js';

export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'model.safetensors';

/** Checks a parsed `manifest.json` against the one schema; returns the manifest or the problems found. */
export function checkManifest(value: unknown): { manifest: Manifest; problems: [] } | { problems: string[] } {
  const parsed = manifestSchema.safeParse(value);
  if (parsed.success) return { manifest: parsed.data, problems: [] };
  return { problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`) };
}

/** Parses the text of `<name>/<version>/manifest.json`; anything unexpected is CORRUPT. */
export function parseManifest(text: string, name: string, version: number): Manifest {
  const where = `manifest of ${name} v${version}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RegistryError('CORRUPT', `${where} is not valid JSON (${(error as Error).message})`);
  }
  const checked = checkManifest(parsed);
  if (!('manifest' in checked))
    throw new RegistryError('CORRUPT', `${where} is invalid: ${checked.problems.join('; ')}`);
  const { manifest } = checked;
  if (manifest.name !== name || manifest.version !== version) {
    throw new RegistryError('CORRUPT', `${where} names ${manifest.name} v${manifest.version}`);
  }
  return manifest;
}
