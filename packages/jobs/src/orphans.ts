import { type FsRegistry, openRegistry } from '@ocellus/registry';
import type { JobStore } from './records/job-store.js';

export interface OrphanedVersion {
  model: string;
  version: number;
  jobId: string;
}

/**
 * The ids the jobs API gives out (`randomUUID`). Versions published by other means carry other ids
 * (`ocellus build`'s `build-<model>-<digest>`) that never had a record, so they are not orphans.
 */
const QUEUED_JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Published versions whose training job was one of ours but whose record is gone (a lost Redis, say). */
export async function findOrphanedVersions(
  registry: Pick<FsRegistry, 'listModels' | 'describe'>,
  store: Pick<JobStore, 'status'>,
): Promise<OrphanedVersion[]> {
  const orphans: OrphanedVersion[] = [];
  for (const { name } of await registry.listModels()) {
    for (const manifest of (await registry.describe(name)).manifests) {
      const jobId = manifest.trainingJobId;
      if (jobId === null || !QUEUED_JOB_ID.test(jobId)) continue;
      if ((await store.status(jobId)) === null)
        orphans.push({ model: name, version: manifest.version, jobId });
    }
  }
  return orphans;
}

export interface OrphanLog {
  warn(fields: object, message: string): void;
}

/**
 * The start-up check of the API and the trainer: one warning per orphaned version of the registry at
 * `registryRoot` (model, version, job id); a failed check is a warning too, never fatal.
 */
export async function reportOrphanedVersions(
  registryRoot: string,
  store: Pick<JobStore, 'status'>,
  log: OrphanLog,
): Promise<OrphanedVersion[]> {
  try {
    const orphans = await findOrphanedVersions(openRegistry(registryRoot), store);
    for (const { model, version, jobId } of orphans) {
      log.warn({ model, version, job: jobId }, 'orphaned version: its training job record is gone');
    }
    return orphans;
  } catch (error) {
    log.warn({ reason: (error as Error).message }, 'orphaned versions not checked');
    return [];
  }
}
