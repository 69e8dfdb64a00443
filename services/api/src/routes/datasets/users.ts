import type { JobStatus } from '@ocellus/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

const ACTIVE: readonly JobStatus[] = ['QUEUED', 'RUNNING', 'CANCELLING'];
const PAGE = 100;
const specDataset = z.object({ dataset: z.object({ name: z.string(), version: z.number() }) });

const uses = (spec: unknown, { name, version }: { name: string; version: number }) => {
  const parsed = specDataset.safeParse(spec);
  return parsed.success && parsed.data.dataset.name === name && parsed.data.dataset.version === version;
};

/**
 * Who uses a dataset version: a job not yet finished whose spec names it, or a published model version
 * trained on it (its manifest keeps the spec); null when nothing does.
 */
export async function datasetUser(
  fastify: FastifyInstance,
  dataset: { name: string; version: number },
): Promise<string | null> {
  if (fastify.hasDecorator('jobs')) {
    for (const status of ACTIVE) {
      let cursor: string | undefined;
      do {
        const page = await fastify.jobs.list({ status, limit: PAGE, cursor });
        const job = page.records.find((record) => uses(record.spec, dataset));
        if (job) return `training job ${job.id} (${job.status})`;
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
  }
  for (const model of await fastify.registry.listModels()) {
    const { manifests } = await fastify.registry.describe(model.name);
    const trained = manifests.find((m) => uses(m.extra.spec, dataset));
    if (trained) return `model ${trained.name} v${trained.version}`;
  }
  return null;
}
