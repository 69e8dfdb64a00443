import { JOB_STATUSES } from '@ocellus/contracts';
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';
import type { JobService } from './job-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobService;
  }
}

/** The job service of the app, closed with it (embedded mode checkpoints its running job first), and its job counts in /metrics. */
export default fp<{ jobs: JobService }>(
  async (fastify, { jobs }) => {
    fastify.decorate('jobs', jobs);
    new Gauge({
      name: 'ocellus_jobs',
      help: 'Training jobs by status (every job record the store keeps)',
      labelNames: ['status'],
      registers: [fastify.metricsRegistry],
      async collect() {
        // With the store unreachable the counts are unknown: left out of the scrape rather than failing it.
        const counts = await jobs.counts().catch(() => null);
        if (counts === null) return this.reset();
        for (const status of JOB_STATUSES) this.set({ status }, counts[status] ?? 0);
      },
    });
    fastify.addHook('onClose', () => jobs.close());
  },
  { name: 'ocellus-jobs' },
);
