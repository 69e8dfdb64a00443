import { randomUUID } from 'node:crypto';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { FileJobStore } from '@ocellus/jobs/file-store';
import { findOrphanedVersions, reportOrphanedVersions } from '@ocellus/jobs/orphans';
import { queuedRecord } from '@ocellus/jobs/store';
import { softmaxSpec, tempRegistryRoot } from '@ocellus/jobs/testing';
import { type FsRegistry, openRegistry } from '@ocellus/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => ({ root, cleanup } = await tempRegistryRoot()));
afterEach(() => cleanup());

function publish(registry: FsRegistry, name: string, trainingJobId: string | null) {
  return registry.publish(name, {
    task: 'classify',
    architecture: { type: 'linear' },
    inputSpec: { channels: 1, height: 2, width: 2 },
    preprocessing: {},
    labels: ['a', 'b'],
    metrics: {},
    tensors: { w: { dtype: 'F32', shape: [2, 4], data: new Float32Array(8) } },
    trainingJobId,
  });
}

describe('orphaned versions', () => {
  it('finds the published versions whose job record is gone, and only those', async () => {
    const registry = openRegistry(root);
    const store = await FileJobStore.open(root);
    const kept = randomUUID();
    const lost = randomUUID();
    await store.create(queuedRecord(kept, defaultJobSpecSchema.parse(softmaxSpec())));
    await publish(registry, 'digits-a', kept);
    await publish(registry, 'digits-a', lost);
    await publish(registry, 'digits-b', 'build-digits-b-0123456789abcdef');
    await publish(registry, 'digits-b', null);
    expect(await findOrphanedVersions(registry, store)).toEqual([
      { model: 'digits-a', version: 2, jobId: lost },
    ]);

    const lines: { fields: object; message: string }[] = [];
    const log = { warn: (fields: object, message: string) => void lines.push({ fields, message }) };
    await reportOrphanedVersions(root, store, log);
    expect(lines).toEqual([
      {
        fields: { model: 'digits-a', version: 2, job: lost },
        message: 'orphaned version: its training job record is gone',
      },
    ]);
    await store.close();
  });

  it('reports a store it cannot read as a warning, not an error', async () => {
    await publish(openRegistry(root), 'digits-a', randomUUID());
    const lines: string[] = [];
    const failing = { status: () => Promise.reject(new Error('Redis is down')) };
    const found = await reportOrphanedVersions(root, failing, {
      warn: (_, message) => void lines.push(message),
    });
    expect(found).toEqual([]);
    expect(lines).toEqual(['orphaned versions not checked']);
  });
});
