import { resolve } from 'node:path';
import type {
  DatasetDetail,
  DatasetImportOptions,
  DatasetManifest,
  DatasetSummary,
} from '@ocellus/contracts';
import { DatasetError } from '../errors.js';
import { type ImportSource, importDataset } from '../import/import-dataset.js';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from '../limits.js';
import { deleteDatasetVersion, type InUseCheck } from './delete.js';
import { assertDatasetName, datasetNames, liveManifests, readDatasetManifest } from './layout.js';
import { sweepStore } from './sweep.js';

export interface DatasetStoreOptions {
  limits?: Partial<ImportLimits>;
  /** Work folders older than this are crash leftovers, removed before each import (default 1 hour). */
  staleWorkMs?: number;
}

/** Versioned datasets with the registry's rules: integer versions never reused, checksums, atomic writes. */
export interface DatasetStore {
  readonly root: string;
  list(): Promise<DatasetSummary[]>;
  describe(name: string): Promise<DatasetDetail>;
  manifest(name: string, version: number): Promise<DatasetManifest>;
  import(name: string, source: ImportSource, options: DatasetImportOptions): Promise<DatasetManifest>;
  /** Refused with IN_USE while `inUse` names a user of the version. */
  deleteVersion(name: string, version: number, inUse: InUseCheck): Promise<void>;
}

const DEFAULT_STALE_WORK_MS = 60 * 60_000;

function detail(name: string, manifests: DatasetManifest[]): DatasetDetail {
  const newest = manifests.at(-1);
  if (newest === undefined) throw new DatasetError('NOT_FOUND', `no dataset ${name}`);
  return {
    name,
    format: newest.format,
    tasks: newest.tasks,
    versions: manifests.map((m) => m.version),
    labels: newest.labels,
    manifests,
  };
}

export function openDatasetStore(root: string, options: DatasetStoreOptions = {}): DatasetStore {
  const base = resolve(root);
  const limits = { ...DEFAULT_IMPORT_LIMITS, ...options.limits };
  const staleWorkMs = options.staleWorkMs ?? DEFAULT_STALE_WORK_MS;
  return {
    root: base,
    async list() {
      const details = await Promise.all(
        (await datasetNames(base)).map(async (name) => {
          const manifests = await liveManifests(base, name);
          if (manifests.length === 0) return null;
          const { manifests: _, ...summary } = detail(name, manifests);
          return summary;
        }),
      );
      return details.filter((d): d is DatasetSummary => d !== null);
    },
    async describe(name) {
      return detail(name, await liveManifests(base, assertDatasetName(name)));
    },
    manifest: (name, version) => readDatasetManifest(base, name, version),
    async import(name, source, importOptions) {
      await sweepStore(base, staleWorkMs);
      return importDataset(base, name, source, importOptions, limits);
    },
    deleteVersion: (name, version, inUse) => deleteDatasetVersion(base, name, version, inUse),
  };
}
