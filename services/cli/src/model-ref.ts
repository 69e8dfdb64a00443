import { modelFromArtifact, type VisionModel } from '@ocellus/models';
import { isAliasName, isModelName, type Manifest, type Registry } from '@ocellus/registry';
import { UsageError } from './usage-error.js';

/** `name`, `name@3` (a version) or `name@production` (an alias). */
export interface ModelRef {
  name: string;
  version?: number;
  alias?: string;
}

export const DEFAULT_ALIAS = 'production';

export function parseModelRef(text: string): ModelRef {
  const at = text.indexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  if (!isModelName(name)) {
    throw new UsageError(`'${name}' is not a model name (lower-case letters, digits and '-')`);
  }
  if (at < 0) return { name };
  const selector = text.slice(at + 1);
  if (/^[1-9][0-9]*$/.test(selector)) return { name, version: Number(selector) };
  if (isAliasName(selector)) return { name, alias: selector };
  throw new UsageError(`'${text}': expected <model>@<version> or <model>@<alias>`);
}

/** The version a reference means; a bare name means its `production` alias, else its newest version. */
export async function resolveVersion(registry: Registry, ref: ModelRef): Promise<number> {
  if (ref.version !== undefined) return registry.resolve(ref.name, { version: ref.version });
  if (ref.alias !== undefined) return registry.resolve(ref.name, { alias: ref.alias });
  const aliases = await registry.aliases(ref.name);
  return aliases[DEFAULT_ALIAS] ?? registry.resolve(ref.name, {});
}

/** Loads (sha256-checked) and restores the referenced version. */
export async function loadModel(
  registry: Registry,
  ref: ModelRef,
): Promise<{ manifest: Manifest; model: VisionModel }> {
  const version = await resolveVersion(registry, ref);
  const { manifest, tensors } = await registry.load(ref.name, version);
  return { manifest, model: modelFromArtifact(manifest, tensors) };
}
