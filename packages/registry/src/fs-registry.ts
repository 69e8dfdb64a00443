import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readAliases, writeAliases } from './aliases.js';
import {
  exists,
  isDirectory,
  isEmptyModelFolder,
  modelDir,
  modelFolders,
  readableManifests,
  readManifest,
  versionDir,
  visibleVersions,
} from './layout.js';
import { withModelLock } from './lock.js';
import { MANIFEST_FILE, WEIGHTS_FILE } from './manifest.js';
import { assertAliasName, assertVersion } from './names.js';
import type { FsRegistry, RegistryOptions } from './options.js';
import { publishVersion } from './publish.js';
import { decodeSafetensors } from './safetensors.js';
import { sweepModel, sweepRegistry } from './sweep.js';
import { deleteUnaliased } from './tombstone.js';
import { type Manifest, type ModelSummary, RegistryError, type VersionSelector } from './types.js';
import { watchRegistry } from './watch.js';

const DEFAULT_STALE_TEMP_MS = 10 * 60_000;
const DEFAULT_POLL_MS = 1000;

/** A registry in `root`: `<model>/<version>/{model.safetensors,manifest.json}` and `<model>/aliases.json`. */
export function openRegistry(root: string, options: RegistryOptions = {}): FsRegistry {
  const base = resolve(root);
  const staleTempMs = options.staleTempMs ?? DEFAULT_STALE_TEMP_MS;
  const warned = new Set<string>();
  // Once per entry and reason: listModels runs on every GET /v1/models.
  const stray = (entry: string, why: string) => {
    const message = `registry ${base}: skipping ${JSON.stringify(entry)}, ${why}`;
    if (warned.has(message)) return;
    warned.add(message);
    options.onWarning?.(message);
  };

  const requireVersion = async (name: string, version: number): Promise<void> => {
    if (!(await exists(join(versionDir(base, name, version), MANIFEST_FILE)))) {
      throw new RegistryError('NOT_FOUND', `model ${name} has no version ${version}`);
    }
  };

  const describe = async (name: string): Promise<ModelSummary & { manifests: Manifest[] }> => {
    const dir = modelDir(base, name);
    const manifests = await readableManifests(base, name, await visibleVersions(dir));
    const newest = manifests.at(-1);
    if (newest === undefined) throw new RegistryError('NOT_FOUND', `no model ${name}`);
    return {
      name,
      task: newest.task,
      architecture: newest.architecture,
      versions: manifests.map((m) => m.version),
      aliases: await readAliases(dir, name),
      manifests,
    };
  };

  return {
    root: base,

    async listModels() {
      const summaries = await Promise.all(
        (await modelFolders(base, stray)).map((name) =>
          describe(name).then(
            ({ manifests: _, ...summary }) => summary,
            async (error: unknown) => {
              if (!(error instanceof RegistryError && error.code === 'NOT_FOUND')) throw error;
              // A model whose versions were all deleted is hidden silently; a folder that never held one is stray.
              if (await isEmptyModelFolder(modelDir(base, name))) stray(name, 'it holds no version');
              return null;
            },
          ),
        ),
      );
      return summaries
        .filter((s): s is ModelSummary => s !== null)
        .sort((a, b) => (a.name < b.name ? -1 : 1));
    },

    describe,

    manifest: (name, version) => readManifest(base, name, version),

    async load(name, version) {
      const manifest = await readManifest(base, name, version);
      const path = join(versionDir(base, name, version), WEIGHTS_FILE);
      let weights: Buffer;
      try {
        weights = await readFile(path);
      } catch (error) {
        await requireVersion(name, version);
        throw new RegistryError('CORRUPT', `${path} is unreadable (${(error as Error).message})`);
      }
      const sha256 = createHash('sha256').update(weights).digest('hex');
      if (sha256 !== manifest.weights.sha256 || weights.length !== manifest.weights.bytes) {
        throw new RegistryError(
          'CHECKSUM_MISMATCH',
          `${path} does not match its manifest: sha256 ${sha256} (${weights.length} bytes), ` +
            `expected ${manifest.weights.sha256} (${manifest.weights.bytes} bytes)`,
        );
      }
      return { manifest, tensors: decodeSafetensors(weights).tensors };
    },

    weightsPath: (name, version) => join(versionDir(base, name, version), WEIGHTS_FILE),

    async publish(name, input) {
      await sweepModel(modelDir(base, name), staleTempMs);
      return publishVersion(base, name, input, options.faults);
    },

    async resolve(name: string, selector: VersionSelector) {
      const dir = modelDir(base, name);
      if (selector.version !== undefined && selector.alias !== undefined) {
        throw new RegistryError('INVALID_NAME', `select ${name} by a version or by an alias, not both`);
      }
      if (selector.version !== undefined) {
        await requireVersion(name, assertVersion(selector.version));
        return selector.version;
      }
      if (selector.alias !== undefined) {
        const version = (await readAliases(dir, name))[assertAliasName(selector.alias)];
        if (version === undefined)
          throw new RegistryError('NOT_FOUND', `model ${name} has no alias ${selector.alias}`);
        return version;
      }
      const newest = (await visibleVersions(dir)).at(-1);
      if (newest === undefined) throw new RegistryError('NOT_FOUND', `no model ${name}`);
      return newest;
    },

    async aliases(name) {
      const dir = modelDir(base, name);
      if (!(await isDirectory(dir))) throw new RegistryError('NOT_FOUND', `no model ${name}`);
      return readAliases(dir, name);
    },

    async setAlias(name, alias, version) {
      const dir = modelDir(base, name);
      assertAliasName(alias);
      await requireVersion(name, assertVersion(version));
      await withModelLock(dir, name, async () => {
        // Checked again under the lock: a delete may have run between the first check and the lock.
        await requireVersion(name, version);
        const aliases = await readAliases(dir, name);
        if (aliases[alias] === version) return;
        await writeAliases(dir, { ...aliases, [alias]: version });
      });
    },

    async deleteVersion(name, version) {
      await requireVersion(name, assertVersion(version));
      await deleteUnaliased(modelDir(base, name), name, version);
    },

    watch: (listener) => watchRegistry(base, options.pollIntervalMs ?? DEFAULT_POLL_MS, listener),

    sweep: () => sweepRegistry(base, staleTempMs),
  };
}
