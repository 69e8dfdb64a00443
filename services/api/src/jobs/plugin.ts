import fp from 'fastify-plugin';
import type { JobService } from './job-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobService;
  }
}

/** The job service of the app, closed with it (embedded mode checkpoints its running job first). */
export default fp<{ jobs: JobService }>(
  async (fastify, { jobs }) => {
    fastify.decorate('jobs', jobs);
    fastify.addHook('onClose', () => jobs.close());
  },
  { name: 'ocellus-jobs' },
);
